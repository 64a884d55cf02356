import type { PlumeApp } from '../kernel/types.js'
import type { RowScope } from '../service/sql.js'
import { userFact } from './engine.js'
import { union } from './fields.js'
import { engineOf } from './engine-of.js'

/** What a caller may read of one entity, as the entity services would decide it. */
export interface ReadAccess {
  allowed: boolean
  /** Why not (names action and entity), for a 403 message. */
  reason?: string
  /** The caller's rows, for `qb.where(scope)`; `undefined` when every row is theirs. */
  scope?: RowScope
  /** Fields the caller may not see, or sees on some rows only: never select, filter or group on them. */
  hidden: Set<string>
}

const NONE = (): Set<string> => new Set()

/**
 * The caller's read access to an entity for code that reads the database itself (reports,
 * exports, custom queries) and must apply the same rights as `/api/<plural>`: internal calls
 * (no `provider`) are trusted; external ones are decided by the permission engine — the grants'
 * row conditions OR-ed into `scope`, and in `hidden` the fields every grant hides plus those only
 * some grants show (an aggregate cannot strip a field per row, so it fails closed).
 * A caller without a user, or an app without permissions set up, is not allowed.
 * @example const a = await readAccess(app, params, 'order'); if (!a.allowed) throw new Forbidden(a.reason); knex('orders').where(a.scope ?? {})
 */
export async function readAccess(
  app: PlumeApp,
  params: { provider?: string; user?: unknown },
  entityName: string,
  action = 'find',
): Promise<ReadAccess> {
  if (!params.provider) return { allowed: true, hidden: NONE() }
  const user = userFact(params.user)
  if (!user) return { allowed: false, reason: `You may not ${action} ${entityName}: no user`, hidden: NONE() }
  let engine
  try {
    engine = engineOf(app)
  } catch (err) {
    return { allowed: false, reason: (err as Error).message, hidden: NONE() }
  }
  const d = engine.decide(entityName, action, user)
  if (!d.allowed)
    return { allowed: false, reason: d.reason ?? `You may not ${action} ${entityName}`, hidden: NONE() }
  const hidden = new Set(union(d.hidden, new Set(d.guarded.keys())))
  return { allowed: true, scope: d.scope, hidden }
}
