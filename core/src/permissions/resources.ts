import type { EntityDefinition } from '@plume/metadata'
import type { PlumeApp } from '../kernel/types.js'

/**
 * Non-entity services are guarded as "resources": the same rules, with the resource name in
 * `entities` and the service method (or `explain`) as the action.
 */
export const ADMIN_RESOURCES: ReadonlySet<string> = new Set(['rule', 'permission', 'plugin', 'audit'])

/**
 * Actions (besides the service methods) that non-entity resources are checked with: `explain` on
 * `permission`, the metadata routes' actions on `entityDefinitions` (core/src/metadata-api/guard.ts).
 */
export const RESOURCE_ACTIONS: ReadonlyMap<string, readonly string[]> = new Map([
  ['permission', ['explain']],
  ['entityDefinitions', ['preview', 'apply', 'versions', 'rollback', 'snapshot', 'diff']],
])

export const RULES_PATH = 'api/rules'
export const EXPLAIN_PATH = 'api/permissions/explain'

const camel = (s: string) => s.replace(/[-_/]+([a-z0-9])/g, (_m, c: string) => c.toUpperCase())

/**
 * The resource a non-entity service path is checked as: `api/rules` → `rule`,
 * `api/plugins` → `plugin`, `api/audit…` → `audit`, `api/stock-transfers` → `stockTransfers`.
 */
export function resourceOf(path: string): string {
  if (path === RULES_PATH || path.startsWith(`${RULES_PATH}/`)) return 'rule'
  if (path.startsWith('api/permissions')) return 'permission'
  if (path === 'api/plugins') return 'plugin'
  if (path.startsWith('api/audit')) return 'audit'
  return camel(path.replace(/^api\//, ''))
}

/** Entity definitions by service path (`api/orders` → order). */
export function entityByPath(app: PlumeApp): Map<string, EntityDefinition> {
  const out = new Map<string, EntityDefinition>()
  for (const e of app.get('entities').values()) out.set(`api/${e.plural}`, e)
  return out
}

/** Every name a rule's `entities` may hold right now: entities, admin resources, mounted custom services. */
export function knownResources(app: PlumeApp): Set<string> {
  const names = new Set<string>(ADMIN_RESOURCES)
  const entityPaths = entityByPath(app)
  for (const e of entityPaths.values()) names.add(e.name)
  for (const path of Object.keys(app.services)) {
    if (
      path.startsWith('api/') &&
      !path.includes(':') &&
      !entityPaths.has(path) &&
      path !== 'api/authentication'
    )
      names.add(resourceOf(path))
  }
  return names
}

/**
 * Resources of the plugins that are disabled (or failed), by resource name → plugin: a stored rule
 * naming one of them is not wrong, it waits for its plugin.
 */
export function waitingResources(app: PlumeApp): Map<string, string> {
  const host = app.get('plugins')
  const waiting = new Map<string, string>()
  for (const p of host?.inactive() ?? []) {
    for (const e of p.entities) waiting.set(e, p.name)
    for (const path of p.services) waiting.set(resourceOf(path), p.name)
  }
  return waiting
}

/**
 * The permission names of every record action the loaded plugins declare (`orders:submit`), enabled
 * or not — a rule naming a disabled plugin's action waits for it rather than being wrong. Undefined
 * before the plugin host exists (the action names are then not checked).
 */
export function knownActions(app: PlumeApp): Set<string> | undefined {
  const host = app.get('plugins')
  if (!host) return undefined
  const entities = app.get('entities')
  const names = new Set<string>()
  for (const p of host.plugins) {
    for (const [entity, defs] of Object.entries(p.def.actions ?? {})) {
      const plural = entities.get(entity)?.plural
      if (plural === undefined) continue
      for (const [action, def] of Object.entries(defs)) names.add(def.permission ?? `${plural}:${action}`)
    }
  }
  return names
}

/** What `validateRule` checks a permission rule against right now. */
export const ruleContext = (app: PlumeApp) => ({
  entities: app.get('entities'),
  resources: knownResources(app),
  actions: knownActions(app),
})
