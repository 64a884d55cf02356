/** What a plugin contributes from disk: entity files and migration modules. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { loadEntityFiles, type EntitySource } from '@plume/metadata'
import type { FoundPlugin } from './discover.js'
import type { PluginDefinition, PluginMigration } from './types.js'

/** Conventional folders, relative to the plugin package, used when the definition lists none. */
const ENTITY_DIRS = ['entities', 'src/entities']
const MIGRATION_DIRS = ['migrations', 'src/migrations']

function resolvePath(p: FoundPlugin, path: string): string {
  if (path.startsWith('file:')) return fileURLToPath(path)
  return isAbsolute(path) ? path : resolve(p.root ?? process.cwd(), path)
}

function readJson(file: string): EntitySource {
  try {
    return { source: file, raw: JSON.parse(readFileSync(file, 'utf8')) as unknown }
  } catch (err) {
    return { source: file, raw: undefined, parseError: `invalid JSON: ${err instanceof Error ? err.message : String(err)}` }
  }
}

/**
 * The entity sources of one plugin: its `entities` (folders, JSON files or `{source, raw}`), or
 * when it lists none, the conventional `entities/` folder of its package.
 */
export function pluginEntitySources(p: FoundPlugin): EntitySource[] {
  const listed = p.def.entities
  if (listed === undefined) {
    const dirs = p.root ? ENTITY_DIRS.map((d) => join(p.root!, d)).filter((d) => existsSync(d)) : []
    return loadEntityFiles(dirs)
  }
  const out: EntitySource[] = []
  for (const item of listed) {
    if (typeof item !== 'string') {
      out.push({ source: item.source, raw: item.raw })
      continue
    }
    const abs = resolvePath(p, item)
    if (existsSync(abs) && statSync(abs).isFile()) out.push(readJson(abs))
    else out.push(...loadEntityFiles([abs]))
  }
  return out
}

/** Names of the entities a plugin defines itself (not the ones it only extends). */
export function ownedEntityNames(sources: readonly EntitySource[]): string[] {
  const names: string[] = []
  for (const s of sources) {
    const raw = s.raw as Record<string, unknown> | undefined
    const meta = raw?.['x-entity'] as { name?: unknown } | undefined
    if (raw && !('x-extends' in raw) && typeof meta?.name === 'string') names.push(meta.name)
  }
  return names
}

/**
 * A plugin's migrations: the `migrations` it lists, or the modules in its `migrations/` folder
 * (`<timestamp>-<slug>.ts`, default export `{ up }` or an `up` function). Sorted by name.
 */
export async function pluginMigrations(p: FoundPlugin): Promise<PluginMigration[]> {
  let list = p.def.migrations
  if (list === undefined) {
    list = []
    for (const dir of p.root ? MIGRATION_DIRS.map((d) => join(p.root!, d)) : []) {
      if (!existsSync(dir)) continue
      for (const file of readdirSync(dir).filter((f) => /\.(ts|js|mjs)$/.test(f) && !f.endsWith('.d.ts') && !f.includes('.test.'))) {
        const mod = (await import(pathToFileURL(join(dir, file)).href)) as { default?: unknown; up?: unknown }
        const exported = mod.default ?? mod
        const up = typeof exported === 'function' ? exported : (exported as { up?: unknown }).up
        if (typeof up !== 'function') throw new Error(`${join(dir, file)}: a migration must export \`up(ctx, trx)\``)
        list.push({ name: file.replace(/\.(ts|js|mjs)$/, ''), up: up as PluginMigration['up'] })
      }
    }
  }
  const names = new Set<string>()
  for (const m of list) {
    if (names.has(m.name)) throw new Error(`Plugin "${p.def.name}" has two migrations named "${m.name}"`)
    names.add(m.name)
  }
  return [...list].sort((a, b) => a.name.localeCompare(b.name))
}

/** What a plugin shows in the admin UI: its `admin` field, or the package's `admin/cards.json`. */
export function pluginAdmin(p: FoundPlugin): NonNullable<PluginDefinition['admin']> {
  if (p.def.admin) return p.def.admin
  const file = p.root ? join(p.root, 'admin', 'cards.json') : undefined
  if (!file || !existsSync(file)) return {}
  const cards = JSON.parse(readFileSync(file, 'utf8')) as unknown
  if (!Array.isArray(cards)) throw new Error(`${file}: a list of dashboard cards is expected`)
  return { cards: cards as NonNullable<PluginDefinition['admin']>['cards'] }
}
