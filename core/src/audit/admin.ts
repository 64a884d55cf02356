import type { Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { PlumeApp } from '../kernel/types.js'
import { canonicalJson, jsonSafe } from './canonical.js'
import { maskSecrets } from './mask.js'
import { recordAuditEvent } from './record.js'

type Plain = Record<string, unknown>

const plain = (v: unknown): v is Plain =>
  !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)

/** Secret-looking keys masked at every depth (a webhook action's `secret` inside a rule definition). */
function maskDeep(value: unknown, depth = 0): unknown {
  if (depth > 20) return null
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, depth + 1))
  if (!plain(value)) return value
  const masked = maskSecrets(value)
  for (const [k, v] of Object.entries(masked)) if (v === value[k]) masked[k] = maskDeep(v, depth + 1)
  return masked
}

const same = (a: unknown, b: unknown) =>
  canonicalJson(jsonSafe(a ?? null)) === canonicalJson(jsonSafe(b ?? null))

/** `{ key: { before?, after? } }` of the keys that differ (absent `before`: created; absent `after`: removed). */
function diff(
  before: Plain | undefined,
  after: Plain | undefined,
): Record<string, { before?: unknown; after?: unknown }> {
  const out: Record<string, { before?: unknown; after?: unknown }> = {}
  for (const key of new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])) {
    const b = before?.[key]
    const a = after?.[key]
    if (before && after && same(b, a)) continue
    out[key] = {
      ...(before && b !== undefined ? { before: maskDeep(b) } : {}),
      ...(after && a !== undefined ? { after: maskDeep(a) } : {}),
    }
  }
  return out
}

/** One administrative change: what changed, on what, by whom (from `params`). */
export interface AdminChange {
  /** `create`, `patch`, `update`, `remove`, `enable`, `disable` … */
  action: string
  /** `permissionRule`, `alertRule`, `plugin` … */
  entity: string
  recordId: string | number
  before?: Plain
  after?: Plain
  params?: Params
}

/**
 * Audits an administrative change — a permission or alert rule saved or removed, a plugin
 * switched — like a data change: one row in the hash-chained trail with actor, via, address and
 * request id, and the changed keys with before and after (secret-looking keys masked at any
 * depth). With `trx` it commits or rolls back with the change.
 * @example await auditAdminChange(app, { action: 'patch', entity: 'permissionRule', recordId: 7, before, after, params }, trx)
 */
export async function auditAdminChange(
  app: PlumeApp,
  change: AdminChange,
  trx?: Knex.Transaction,
): Promise<void> {
  await recordAuditEvent(
    app,
    {
      action: change.action,
      entity: change.entity,
      recordId: change.recordId,
      changes: diff(change.before, change.after),
      ...(change.params ? { params: change.params } : {}),
    },
    trx,
  )
}

interface RuleRow {
  id: number
  name: string
  kind?: string
  definition: unknown
  version: number
  enabled: boolean
}

/** The audited view of a stored rule (`plume_rules`): its name, kind, state, version and definition. */
const ruleState = (r: RuleRow | undefined): Plain | undefined =>
  r && {
    name: r.name,
    ...(r.kind ? { kind: r.kind } : {}),
    enabled: r.enabled,
    version: r.version,
    definition: typeof r.definition === 'string' ? (JSON.parse(r.definition) as unknown) : r.definition,
  }

/**
 * Audits a change of a stored rule, in the change's transaction.
 * @example await auditRuleChange(app, trx, { action: 'create', entity: 'alertRule', after: row, params })
 */
export async function auditRuleChange(
  app: PlumeApp,
  trx: Knex.Transaction,
  c: {
    action: string
    entity: 'permissionRule' | 'alertRule'
    before?: RuleRow
    after?: RuleRow
    params?: Params
  },
): Promise<void> {
  const id = (c.after ?? c.before)!.id
  const before = ruleState(c.before)
  const after = ruleState(c.after)
  await auditAdminChange(
    app,
    {
      action: c.action,
      entity: c.entity,
      recordId: id,
      ...(before ? { before } : {}),
      ...(after ? { after } : {}),
      ...(c.params ? { params: c.params } : {}),
    },
    trx,
  )
}
