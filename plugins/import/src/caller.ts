import type { Knex } from 'knex'

/** The importing user as the services know a signed-in caller (permissions, ownership, audit). */
export interface Caller {
  user: Record<string, unknown> & { id: number }
  locale: 'en' | 'zh-CN'
}

/**
 * Params of a service call made for the importing user: an external call (`provider`), so every
 * permission, validation and hook applies as if the user had sent it; the answer in their language.
 */
export function callerParams(
  caller: Caller,
  trx?: Knex.Transaction,
  query?: Record<string, unknown>,
): Record<string, unknown> {
  return {
    provider: 'rest',
    authenticated: true,
    user: caller.user,
    via: 'jwt',
    headers: { 'accept-language': caller.locale },
    ...(trx ? { transaction: trx } : {}),
    ...(query ? { query } : {}),
  }
}
