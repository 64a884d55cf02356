import { BadRequest } from '@feathersjs/errors'
import type { HookContext } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import { internalFlag, invalidField, trxOf as writeTransaction, type CallParams } from '@plume/core'

export type ServiceParams = CallParams

/** Writes made by the service plugin itself: its hooks let them through unchecked. */
const FLAG = internalFlag('serviceInternal')
export const INTERNAL = FLAG.key
export const isInternal = FLAG.is

export { nowOf } from '@plume/core'

export const trxOf = (context: HookContext): Knex.Transaction => writeTransaction(context, 'service')

/** The partner a partner user is bound to (external calls only). */
export const callerPartner = (params: ServiceParams | undefined): number | undefined =>
  params?.provider ? (params.user?.partnerId ?? undefined) : undefined

export const invalid = invalidField

/** Refuses keys other than `allowed` in an action body. */
export function readBody(data: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (data === undefined || data === null) return {}
  if (typeof data !== 'object' || Array.isArray(data))
    throw new BadRequest('Request body must be a JSON object', {
      errors: [{ path: '', message: 'must be an object' }],
    })
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
export async function assertAgent(
  db: Knex | Knex.Transaction,
  userId: number,
  path = '/assigneeId',
): Promise<void> {
  const user = (await db('users').select('roles', 'active', 'partnerId').where('id', userId).first()) as
    { roles: unknown; active: boolean | null; partnerId: number | null } | undefined
  if (!user || user.active === false || user.partnerId !== null || !hasRole(user.roles, AGENT_ROLE))
    throw invalid(path, `must be an active staff user with the ${AGENT_ROLE} role`)
}

/** Timestamps from the database (Date) or JSON (string) as Date. */
export const at = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as string))
