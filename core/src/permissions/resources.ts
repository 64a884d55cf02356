import type { EntityDefinition } from '@plume/metadata'
import type { PlumeApp } from '../kernel/types.js'

/**
 * Non-entity services are guarded as "resources": the same rules, with the resource name in
 * `entities` and the service method (or `explain`) as the action.
 */
export const ADMIN_RESOURCES: ReadonlySet<string> = new Set(['rule', 'permission', 'plugin', 'audit'])

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
