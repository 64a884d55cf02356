import { BadRequest, Forbidden, NotAuthenticated } from '@feathersjs/errors'
import type { HookContext } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import { internalFlag, invalidField, trxOf as writeTransaction, type CallParams } from '@plume/core'

/** What finance code reads from Feathers params. */
export type FinanceParams = CallParams

/** Internal calls made by the finance plugin itself: figures already computed, hooks skip re-checking. */
const FLAG = internalFlag('financePrepared')
export const PREPARED = FLAG.key
export const isPrepared = FLAG.is

/** The transaction the core opened for this write. */
export const trxOf = (context: HookContext): Knex.Transaction => writeTransaction(context, 'finance')

/** Finance documents are staff work: partner users calling from outside are refused. */
export function requireStaff(params: FinanceParams | undefined, what: string): void {
  if (!params?.provider) return
  if (!params.user) throw new NotAuthenticated('Not authenticated')
  if (params.user.partnerId) throw new Forbidden(`Partner users cannot ${what}`)
}

/** The partner a partner user is bound to (external calls only). */
export const callerPartner = (params: FinanceParams | undefined): number | undefined =>
  params?.provider ? (params.user?.partnerId ?? undefined) : undefined

/** A 400 naming one field, in the platform's `{path, message}` shape. */
export const invalid = invalidField

/** Runs `fn` in the caller's transaction, or in a new one. */
export async function inTransaction<T>(
  knex: Knex,
  params: FinanceParams | undefined,
  fn: (trx: Knex.Transaction) => Promise<T>,
): Promise<T> {
  if (params?.transaction) return fn(params.transaction)
  return knex.transaction(fn)
}

/** Refuses keys other than `allowed` in a request body. */
export function onlyKeys(data: Record<string, unknown>, allowed: readonly string[]): void {
  const extra = Object.keys(data).filter((k) => !allowed.includes(k))
  if (extra.length) throw invalid(`/${extra[0]}`, 'is not a known field')
}

/** A plain-object request body. */
export function bodyOf(data: unknown): Record<string, unknown> {
  if (data === undefined || data === null) return {}
  if (typeof data !== 'object' || Array.isArray(data))
    throw new BadRequest('Request body must be a JSON object', {
      errors: [{ path: '', message: 'must be an object' }],
    })
  return data as Record<string, unknown>
}
