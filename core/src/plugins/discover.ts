/** Finding plugins: folders under `plugins/`, module paths and npm packages, definitions passed in. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { PluginDefinition } from './types.js'

/** `<repo>/plugins`: where the platform looks for plugin folders by default. */
export const PLUGINS_DIR: string = fileURLToPath(new URL('../../../plugins', import.meta.url))

/** Entry module of a plugin package when its package.json names none (`plume.plugin`). */
const DEFAULT_ENTRY = 'src/plugin.ts'
const NAME = /^[a-z][a-z0-9-]*$/

/** A plugin definition and where it came from. */
export interface FoundPlugin {
  def: PluginDefinition
  /** Package folder (holds package.json) when known: relative entity/migration paths resolve here. */
  root?: string
  /** Module path, package name or `inline`, for messages. */
  origin: string
}

/** Thrown when a plugin cannot be found or does not export a definition. */
export class PluginLoadError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PluginLoadError'
  }
}

function readPackage(dir: string): { name?: string; plume?: { plugin?: string } } | undefined {
  const file = join(dir, 'package.json')
  if (!existsSync(file)) return undefined
  return JSON.parse(readFileSync(file, 'utf8')) as { name?: string; plume?: { plugin?: string } }
}

/** The entry module of a plugin package, or undefined when the folder is not a plugin. */
function entryOf(dir: string): string | undefined {
  const pkg = readPackage(dir)
  if (!pkg) return undefined
  const named = pkg.plume?.plugin
  if (named !== undefined) {
    const file = resolve(dir, named)
    if (!existsSync(file))
      throw new PluginLoadError(`${join(dir, 'package.json')}: plume.plugin "${named}" does not exist`)
    return file
  }
  const file = join(dir, DEFAULT_ENTRY)
  return existsSync(file) ? file : undefined
}

/** The nearest folder above `file` holding a package.json. */
function packageRoot(file: string): string | undefined {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir
    if (dirname(dir) === dir) return undefined
  }
}

export function isPluginDefinition(value: unknown): value is PluginDefinition {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return typeof v.name === 'string' && typeof v.version === 'string'
}

async function importDefinition(file: string, origin: string): Promise<FoundPlugin> {
  const mod = (await import(pathToFileURL(file).href)) as { default?: unknown }
  const def = mod.default
  if (!isPluginDefinition(def))
    throw new PluginLoadError(
      `${origin}: the module does not export a plugin definition (definePlugin({ name, version, … })) as default export`,
    )
  return { def, root: packageRoot(file), origin }
}

/**
 * Loads one plugin named by a string: a folder (package with `plume.plugin` or `src/plugin.ts`),
 * a module file, or an npm package name resolved from the working directory.
 * @example await loadPluginModule('/abs/test/fixtures/plugins/hello-plugin')
 */
export async function loadPluginModule(spec: string): Promise<FoundPlugin> {
  const isPath = isAbsolute(spec) || spec.startsWith('.') || spec.startsWith('file:')
  if (isPath) {
    const abs = spec.startsWith('file:') ? fileURLToPath(spec) : resolve(spec)
    if (!existsSync(abs)) throw new PluginLoadError(`Plugin "${spec}" not found`)
    if (statSync(abs).isDirectory()) {
      const entry = entryOf(abs)
      if (!entry)
        throw new PluginLoadError(`${abs}: no plugin entry (package.json "plume.plugin" or ${DEFAULT_ENTRY})`)
      return { ...(await importDefinition(entry, abs)), root: abs }
    }
    return importDefinition(abs, abs)
  }
  const require = createRequire(join(process.cwd(), 'noop.js'))
  let dir: string | undefined
  try {
    dir = dirname(require.resolve(`${spec}/package.json`))
  } catch {
    dir = undefined
  }
  const entry = dir ? entryOf(dir) : undefined
  if (dir && entry) return { ...(await importDefinition(entry, spec)), root: dir }
  let resolved: string
  try {
    resolved = require.resolve(spec)
  } catch {
    throw new PluginLoadError(
      `Plugin package "${spec}" not found from ${process.cwd()} (install it there: npm install ${spec})`,
    )
  }
  return importDefinition(resolved, spec)
}

/**
 * Every plugin folder under `dirs` (`<dir>/<name>/package.json` with a plugin entry).
 * `only` (from `PLUME_PLUGINS`) keeps the named ones.
 */
export async function discoverPlugins(
  dirs: readonly string[],
  only?: ReadonlySet<string>,
): Promise<FoundPlugin[]> {
  const found: FoundPlugin[] = []
  for (const dir of dirs) {
    if (!existsSync(dir)) continue
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      if (!entry.isDirectory()) continue
      const folder = join(dir, entry.name)
      const file = entryOf(folder)
      if (!file) continue
      const plugin = { ...(await importDefinition(file, folder)), root: folder }
      if (!only || only.has(plugin.def.name)) found.push(plugin)
    }
  }
  return found
}

/**
 * All plugins of a platform: discovered folders, then explicit ones; names must be unique.
 * An `only` entry that names no plugin folder is an npm package name (or a path) to load, so
 * `PLUME_PLUGINS=crm,@acme/plume-plugin-loyalty` runs crm and that package.
 * @example await findPlugins({ dirs: [PLUGINS_DIR], explicit: ['plume-plugin-hello'] })
 */
export async function findPlugins(opts: {
  dirs?: readonly string[]
  explicit?: ReadonlyArray<PluginDefinition | string>
  only?: ReadonlySet<string>
}): Promise<FoundPlugin[]> {
  const all = await discoverPlugins(opts.dirs ?? [PLUGINS_DIR], opts.only)
  const packages = [...(opts.only ?? [])].filter((name) => !all.some((p) => p.def.name === name))
  const specs = new Set<string>()
  for (const item of [...packages, ...(opts.explicit ?? [])]) {
    if (typeof item === 'string') {
      if (specs.has(item)) continue
      specs.add(item)
      all.push(await loadPluginModule(item))
    } else if (isPluginDefinition(item)) all.push({ def: item, origin: `inline plugin "${item.name}"` })
    else throw new PluginLoadError('A plugin passed in options is neither a definition nor a module path')
  }
  const seen = new Map<string, FoundPlugin>()
  for (const p of all) {
    if (!NAME.test(p.def.name))
      throw new PluginLoadError(`${p.origin}: plugin name "${p.def.name}" must match ${NAME.source}`)
    const first = seen.get(p.def.name)
    if (first)
      throw new PluginLoadError(`Plugin "${p.def.name}" is defined twice: ${first.origin} and ${p.origin}`)
    seen.set(p.def.name, p)
  }
  return all
}
