import type { Knex } from 'knex'
import type { ActionSpec, ActionValidationContext } from '@plume/core'
import { fill } from '@plume/core/internal'

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
export function recipientErrors(
  spec: ActionSpec,
  required: boolean,
): Array<{ path: string; message: string }> {
  const errs: Array<{ path: string; message: string }> = []
  const users = spec.users
  const roles = spec.roles
  if (
    users !== undefined &&
    (!Array.isArray(users) ||
      users.some(
        (u) => !(Number.isInteger(u) || (typeof u === 'string' && /^\{\{\s*[A-Za-z_][\w.]*\s*\}\}$/.test(u))),
      ))
  ) {
    errs.push({
      path: '/users',
      message: 'must be a list of user ids or single placeholders like "{{record.ownerId}}"',
    })
  }
  if (
    roles !== undefined &&
    (!Array.isArray(roles) || roles.some((r) => typeof r !== 'string' || !ROLE.test(r)))
  )
    errs.push({ path: '/roles', message: 'must be a list of role names' })
  if (required && !(Array.isArray(users) && users.length) && !(Array.isArray(roles) && roles.length))
    errs.push({ path: '', message: 'needs users or roles' })
  return errs
}

/** Whether a validation context's rule can name users (for error messages). */
export const hasRecipients = (_ctx: ActionValidationContext) => true

/** Ids (templates filled from the firing) and roles an action addresses. */
function addressed(spec: ActionSpec, context: Record<string, unknown>): { ids: number[]; roles: string[] } {
  const ids = ((fill(spec.users ?? [], context) as unknown[]) ?? [])
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0)
  const roles = ((spec.roles ?? []) as string[]).filter((r) => ROLE.test(r))
  return { ids, roles }
}

/**
 * The active users an action addresses: listed ids (templates filled from the firing) and
 * holders of the listed roles.
 * @example await recipients(knex, { users: ['{{record.ownerId}}'], roles: ['warehouse'] }, context)
 */
export async function recipients(
  db: Knex | Knex.Transaction,
  spec: ActionSpec,
  context: Record<string, unknown>,
): Promise<Recipient[]> {
  const { ids, roles } = addressed(spec, context)
  if (ids.length === 0 && roles.length === 0) return []
  const rows = (await db('users')
    .where('active', true)
    .andWhere((w) => {
      if (ids.length) w.orWhereIn('id', ids)
      for (const r of roles) w.orWhereRaw('roles @> ?::jsonb', [JSON.stringify([r])])
    })
    .orderBy('id')
    .select('id', 'email', 'name', 'roles', 'partnerId', 'locale')) as Array<Recipient & { roles: unknown }>
  return rows.map((r) => ({
    ...r,
    roles: (typeof r.roles === 'string' ? JSON.parse(r.roles) : r.roles) as string[],
  }))
}

/** Why an action reached nobody, in English and Simplified Chinese (kept in the firing log). */
export interface NoRecipients {
  en: string
  'zh-CN': string
}

/**
 * The reason an action that reached nobody gives in its outcome — no active user holds its roles,
 * its users do not exist or are inactive, or every addressed user may not read the record.
 * @example noRecipients({ roles: ['warehouse'] }, context, 0) // { en: 'no recipients: no active user holds role "warehouse"', 'zh-CN': … }
 */
export function noRecipients(
  spec: ActionSpec,
  context: Record<string, unknown>,
  found: number,
): NoRecipients {
  if (found > 0)
    return {
      en: `no recipients: none of the ${found} addressed user(s) may read the record`,
      'zh-CN': `无接收人：${found} 位被通知的用户均无权查看该记录`,
    }
  const { ids, roles } = addressed(spec, context)
  const en: string[] = []
  const zh: string[] = []
  if (roles.length) {
    const names = roles.map((r) => `"${r}"`)
    en.push(`no active user holds role ${names.join(' or ')}`)
    zh.push(`没有在职用户拥有角色 ${names.join(' 或 ')}`)
  }
  if (ids.length) {
    en.push(`user ${ids.join(', ')} does not exist or is inactive`)
    zh.push(`用户 ${ids.join('、')} 不存在或已停用`)
  }
  if (!en.length) {
    en.push('the rule names no user for this record')
    zh.push('该规则未为此记录指定任何用户')
  }
  return { en: `no recipients: ${en.join('; ')}`, 'zh-CN': `无接收人：${zh.join('；')}` }
}
