import type { Knex } from 'knex'
import type { ActionSpec, ActionValidationContext } from '@plume/core'
import { fill } from '@plume/core'

/** What message building needs of a user (the permission layer's user fact, plus the address). */
export interface Recipient {
  id: number
  email: string
  name: string
  roles: string[]
  partnerId: number | null
  locale?: string
}

const ROLE = /^[a-z][a-z0-9_]{0,62}$/

/** `users` (ids or `{{record.ownerId}}`-style templates) and `roles` of an action. */
export function recipientErrors(spec: ActionSpec, required: boolean): Array<{ path: string; message: string }> {
  const errs: Array<{ path: string; message: string }> = []
  const users = spec.users
  const roles = spec.roles
  if (users !== undefined && (!Array.isArray(users) || users.some((u) => !(Number.isInteger(u) || (typeof u === 'string' && /^\{\{\s*[A-Za-z_][\w.]*\s*\}\}$/.test(u)))))) {
    errs.push({ path: '/users', message: 'must be a list of user ids or single placeholders like "{{record.ownerId}}"' })
  }
  if (roles !== undefined && (!Array.isArray(roles) || roles.some((r) => typeof r !== 'string' || !ROLE.test(r)))) errs.push({ path: '/roles', message: 'must be a list of role names' })
  if (required && !(Array.isArray(users) && users.length) && !(Array.isArray(roles) && roles.length)) errs.push({ path: '', message: 'needs users or roles' })
  return errs
}

/** Whether a validation context's rule can name users (for error messages). */
export const hasRecipients = (_ctx: ActionValidationContext) => true

/**
 * The active users an action addresses: listed ids (templates filled from the firing) and
 * holders of the listed roles.
 * @example await recipients(knex, { users: ['{{record.ownerId}}'], roles: ['warehouse'] }, context)
 */
export async function recipients(db: Knex | Knex.Transaction, spec: ActionSpec, context: Record<string, unknown>): Promise<Recipient[]> {
  const ids = ((fill(spec.users ?? [], context) as unknown[]) ?? []).map(Number).filter((n) => Number.isInteger(n) && n > 0)
  const roles = ((spec.roles ?? []) as string[]).filter((r) => ROLE.test(r))
  if (ids.length === 0 && roles.length === 0) return []
  const rows = (await db('users')
    .where('active', true)
    .andWhere((w) => {
      if (ids.length) w.orWhereIn('id', ids)
      for (const r of roles) w.orWhereRaw('roles @> ?::jsonb', [JSON.stringify([r])])
    })
    .orderBy('id')
    .select('id', 'email', 'name', 'roles', 'partnerId', 'locale')) as Array<Recipient & { roles: unknown }>
  return rows.map((r) => ({ ...r, roles: (typeof r.roles === 'string' ? JSON.parse(r.roles) : r.roles) as string[] }))
}
