import type { HookContext } from '@feathersjs/feathers'
import { Channel } from '@feathersjs/transport-commons'
import type { PlumeApp } from '../kernel/types.js'
import { revealRoles } from '../audit/state.js'
import type { SessionUser } from '../auth/session.js'
import { encryptedFields, maskRow, mayReveal, withClearValues } from '../crypto/fields.js'
import { userFact } from './engine.js'
import { visibleCopy } from './fields.js'
import { engineOf } from './hooks.js'
import { entityByPath, resourceOf } from './resources.js'

interface Connection {
  user?: { id?: unknown }
}

/** Encrypted fields as `***` for a recipient without a reveal role, exactly as REST answers them (a copy). */
export function masked(
  record: unknown,
  encrypted: readonly string[],
  roles: unknown,
  reveal: readonly string[],
): unknown {
  if (encrypted.length === 0 || !record || typeof record !== 'object' || mayReveal(roles, reveal))
    return record
  const copy = { ...(record as Record<string, unknown>) }
  maskRow(copy, encrypted)
  return copy
}

/**
 * The realtime publisher: an event reaches a connection only if its user may `get` that record
 * (the row condition evaluated in memory, with SQL's semantics), with the fields hidden from
 * that user removed and encrypted fields masked unless the user has a reveal role — what a
 * `get` over REST would show that user. Non-entity services publish to users allowed to `get`
 * the resource.
 * @example app.publish(permissionPublisher(app))
 */
export function permissionPublisher(app: PlumeApp) {
  return async (data: unknown, context: HookContext): Promise<Channel[]> => {
    const connections = app.channel('authenticated').connections as Connection[]
    if (connections.length === 0) return []
    const entity = entityByPath(app).get(context.path)
    const resource = entity?.name ?? resourceOf(context.path)
    const engine = engineOf(app)
    const sessions = app.get('sessions')
    const encrypted = entity ? encryptedFields(entity) : []
    const reveal = encrypted.length > 0 ? revealRoles(app) : []
    // the writer may have got `***` back: each recipient is masked from the clear values
    const record = withClearValues(data)
    const out: Channel[] = []
    for (const connection of connections) {
      try {
        const id = Number(connection.user?.id)
        if (!Number.isInteger(id) || !sessions) continue
        // the current user (roles may have changed since the login), from the session cache
        const entry = await sessions.user(id)
        const current = (
          'user' in entry && entry.user && typeof entry.user === 'object' ? entry.user : entry
        ) as SessionUser
        if (current.active === false) continue
        const user = userFact(current)
        if (!user) continue
        const payload = masked(
          visibleCopy(entity, engine.decide(resource, 'get', user), record),
          encrypted,
          current.roles,
          reveal,
        )
        if (payload !== undefined) out.push(new Channel([connection as never], payload))
      } catch {
        // anything unexpected: this connection gets nothing (fail closed)
      }
    }
    return out
  }
}
