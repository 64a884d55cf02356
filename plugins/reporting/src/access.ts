import { Forbidden } from '@feathersjs/errors'
import type { PlumeApp, RowScope } from '@plume/core'
import type { EntityDefinition } from '@plume/metadata'

/** What the caller may read of one entity: a row scope for SQL and the fields hidden from them. */
export interface EntityAccess {
  scope?: RowScope
  hidden: ReadonlySet<string>
}

/** Resolves (and caches, per run) the caller's read access to an entity; throws 403 when none. */
export type AccessOf = (entity: EntityDefinition) => EntityAccess

/** The parts of the core's permission decision a report needs (core/src/permissions/engine.ts). */
interface DecisionLike {
  allowed: boolean
  reason?: string
  scope?: RowScope
  hidden: ReadonlySet<string>
  guarded: ReadonlyMap<string, unknown>
}
interface EngineLike {
  decide(entity: string, action: string, user: unknown): DecisionLike
}

interface Caller {
  provider?: string
  user?: unknown
}

const NONE: ReadonlySet<string> = new Set()

/** The `user` fact as the permission engine reads it (core `userFact`). */
function userFactOf(user: unknown) {
  if (!user || typeof user !== 'object') return undefined
  const u = user as Record<string, unknown>
  const id = Number(u.id)
  if (!Number.isInteger(id)) return undefined
  const roles = Array.isArray(u.roles) ? u.roles.filter((r): r is string => typeof r === 'string') : []
  const partnerId = typeof u.partnerId === 'number' ? u.partnerId : null
  const attributes = u.attributes && typeof u.attributes === 'object' && !Array.isArray(u.attributes) ? u.attributes : {}
  return { id, roles, partnerId, ...(typeof u.email === 'string' ? { email: u.email } : {}), attributes }
}

/**
 * The caller's `find` access per entity, decided exactly as the entity services decide it
 * (core/src/permissions `authorize`): internal calls are trusted; external ones go through the
 * permission engine — deny → 403, the grant's row condition → `scope`, fields hidden by every
 * grant plus fields visible only on some rows (`guarded`) → `hidden` (a report cannot strip a
 * field per row once it is aggregated, so it refuses it: fail closed).
 * Without an engine (permissions not set up) a partner user is limited to their partner's rows
 * and refused entities that have no partner.
 * @example const access = accessFor(app, params); const { scope, hidden } = access(orderEntity)
 */
export function accessFor(app: PlumeApp, params: Caller): AccessOf {
  const cache = new Map<string, EntityAccess>()
  return (entity) => {
    let a = cache.get(entity.name)
    if (!a) {
      a = decide(app, params, entity)
      cache.set(entity.name, a)
    }
    return a
  }
}

function decide(app: PlumeApp, params: Caller, entity: EntityDefinition): EntityAccess {
  if (!params.provider) return { hidden: NONE }
  const user = userFactOf(params.user)
  if (!user) throw new Forbidden(`You may not report on ${entity.name}: no user`)
  const engine = app.get('permissionEngine') as EngineLike | undefined
  if (!engine) return partnerFallback(entity, user.partnerId)
  const d = engine.decide(entity.name, 'find', user)
  if (!d.allowed) throw new Forbidden(d.reason ?? `You may not find ${entity.name}`, { entity: entity.name, action: 'find' })
  const hidden = d.guarded.size ? new Set([...d.hidden, ...d.guarded.keys()]) : d.hidden
  return { scope: d.scope, hidden }
}

function partnerFallback(entity: EntityDefinition, partnerId: number | null): EntityAccess {
  if (partnerId === null) return { hidden: NONE }
  const column = entity.name === 'partner' ? 'id' : entity.fields.partnerId ? 'partnerId' : undefined
  if (!column) throw new Forbidden(`You may not report on ${entity.name}: it has no partner to limit it to`)
  return { scope: (qb) => void qb.where(column, partnerId), hidden: NONE }
}
