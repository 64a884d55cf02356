import { BadRequest } from '@feathersjs/errors'
import type { HookContext } from '@feathersjs/feathers'
import type { Knex } from 'knex'

export interface ServiceParams {
  provider?: string
  user?: { id?: number; partnerId?: number | null; roles?: unknown }
  transaction?: Knex.Transaction
  query?: Record<string, unknown>
  /** In-process callers (tests, the scheduler, imports) may set the clock; ignored for external calls. */
  now?: Date | string
  [key: string]: unknown
}

/** Writes made by the service plugin itself: its hooks let them through unchecked. */
export const INTERNAL = 'serviceInternal'
export const isInternal = (params: unknown): boolean => !!(params as Record<string, unknown> | undefined)?.[INTERNAL]

/**
 * The time a call happens at: `params.now` for in-process callers, the wall clock otherwise.
 * @example nowOf({ now: '2026-11-25T08:00:00Z' }).toISOString() // '2026-11-25T08:00:00.000Z'
 */
export function nowOf(params: ServiceParams | undefined): Date {
  if (params?.now !== undefined && !params.provider) {
    const d = new Date(params.now)
    if (!Number.isNaN(d.getTime())) return d
  }
  return new Date()
}

export function trxOf(context: HookContext): Knex.Transaction {
  const trx = (context.params as ServiceParams).transaction
  if (!trx) throw new Error('service: expected to run inside the transaction of a write')
  return trx
}

/** The partner a partner user is bound to (external calls only). */
export const callerPartner = (params: ServiceParams | undefined): number | undefined => (params?.provider ? (params.user?.partnerId ?? undefined) : undefined)

export const invalid = (path: string, message: string): BadRequest => new BadRequest(`Invalid data: ${path.replace(/^\//, '')} ${message}`, { errors: [{ path, message }] })

/** Refuses keys other than `allowed` in an action body. */
export function readBody(data: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (data === undefined || data === null) return {}
  if (typeof data !== 'object' || Array.isArray(data)) throw new BadRequest('Request body must be a JSON object', { errors: [{ path: '', message: 'must be an object' }] })
  const body = data as Record<string, unknown>
  const extra = Object.keys(body).filter((k) => !allowed.includes(k))
  if (extra.length) throw invalid(`/${extra[0]}`, 'is not a known field')
  return body
}

export const hasRole = (roles: unknown, role: string): boolean => Array.isArray(roles) && roles.includes(role)

/** Agents: active staff users with the `service_agent` role. */
export const AGENT_ROLE = 'service_agent'

/**
 * 400 unless `userId` is an active staff user with the service_agent role.
 * @example await assertAgent(trx, 7)
 */
export async function assertAgent(db: Knex | Knex.Transaction, userId: number, path = '/assigneeId'): Promise<void> {
  const user = (await db('users').select('roles', 'active', 'partnerId').where('id', userId).first()) as { roles: unknown; active: boolean | null; partnerId: number | null } | undefined
  if (!user || user.active === false || user.partnerId !== null || !hasRole(user.roles, AGENT_ROLE)) throw invalid(path, `must be an active staff user with the ${AGENT_ROLE} role`)
}

/** Timestamps from the database (Date) or JSON (string) as Date. */
export const at = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as string))
