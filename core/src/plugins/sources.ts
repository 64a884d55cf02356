/** What a plugin contributes from disk: entity files, migration modules, dashboard cards and alert rules. */
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
    return {
      source: file,
      raw: undefined,
      parseError: `invalid JSON: ${err instanceof Error ? err.message : String(err)}`,
    }
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

const isMigration = (v: unknown): v is { up: unknown; name?: unknown } =>
  typeof v === 'object' && v !== null && typeof (v as { up?: unknown }).up === 'function'

/**
 * The `up` of a migration module: its default export (an `up` function or `{ up }`), an exported
 * `up` function, or the one exported `{ name, up }` object — whose `name`, when it has one, must
 * be the file's, the name recorded in `plume_plugin_migrations`.
 */
function migrationUp(file: string, name: string, mod: Record<string, unknown>): PluginMigration['up'] {
  const objects = Object.values(mod).filter(isMigration)
  const exported =
    mod.default ?? (typeof mod.up === 'function' ? mod.up : objects.length === 1 ? objects[0] : undefined)
  const up = typeof exported === 'function' ? exported : isMigration(exported) ? exported.up : undefined
  if (typeof up !== 'function')
    throw new Error(
      `${file}: a migration must export \`up(ctx, trx)\` (a default export, an \`up\` function or one \`{ name, up }\` object)`,
    )
  const declared = isMigration(exported) ? exported.name : undefined
  if (declared !== undefined && declared !== name)
    throw new Error(
      `${file}: the migration is named "${String(declared)}", but its file "${name}": the file name is the name recorded`,
    )
  return up as PluginMigration['up']
}

/**
 * A plugin's migrations: the `migrations` it lists, or — the way of the built-in plugins — the
 * modules in its `migrations/` (or `src/migrations/`) folder, `<timestamp>-<slug>.ts` each,
 * named after the file (see {@link migrationUp}). Sorted by name.
 */
export async function pluginMigrations(p: FoundPlugin): Promise<PluginMigration[]> {
  let list = p.def.migrations
  if (list === undefined) {
    list = []
    for (const dir of p.root ? MIGRATION_DIRS.map((d) => join(p.root!, d)) : []) {
      if (!existsSync(dir)) continue
      for (const file of readdirSync(dir).filter(
        (f) => /\.(ts|js|mjs)$/.test(f) && !f.endsWith('.d.ts') && !f.includes('.test.'),
      )) {
        const mod = (await import(pathToFileURL(join(dir, file)).href)) as Record<string, unknown>
        const name = file.replace(/\.(ts|js|mjs)$/, '')
        list.push({ name, up: migrationUp(join(dir, file), name, mod) })
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

/**
 * The alert and automation rules a plugin ships as data: its `alerts` field, or the JSON files
 * of the package's `rules/alerts/` folder (each a rule entry `{kind, enabled, definition}`, a
 * bare definition, or a list of them), in file name order.
 */
export function pluginAlertRules(p: FoundPlugin): unknown[] {
  if (p.def.alerts) return [...p.def.alerts]
  const dir = p.root ? join(p.root, 'rules', 'alerts') : undefined
  if (!dir || !existsSync(dir)) return []
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => {
      const data = JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown
      return Array.isArray(data) ? data : [data]
    })
}

/** The grants a plugin package keeps in `rules/grants.json` (a list of permission rules); none without the file. */
export function grantsIn(root: string | undefined): unknown[] {
  const file = root ? join(root, 'rules', 'grants.json') : undefined
  if (!file || !existsSync(file)) return []
  const grants = JSON.parse(readFileSync(file, 'utf8')) as unknown
  if (!Array.isArray(grants)) throw new Error(`${file}: a list of permission rules is expected`)
  return grants
}

/**
 * The permission rules a plugin ships as data: its `rules` field and the grants on its own
 * entities in the package's `rules/grants.json`. They apply while it is enabled.
 */
export function pluginGrants(p: FoundPlugin): unknown[] {
  return [...(p.def.rules ?? []), ...grantsIn(p.root)]
}
