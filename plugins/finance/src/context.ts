import { BadRequest, Forbidden, NotAuthenticated } from '@feathersjs/errors'
import type { HookContext } from '@feathersjs/feathers'
import type { Knex } from 'knex'

/** What finance code reads from Feathers params. */
export interface FinanceParams {
  provider?: string
  user?: { id?: number; partnerId?: number | null; roles?: unknown }
  transaction?: Knex.Transaction
  query?: Record<string, unknown>
  [key: string]: unknown
}

/** Internal calls made by the finance plugin itself: figures already computed, hooks skip re-checking. */
export const PREPARED = 'financePrepared'

export const isPrepared = (params: unknown): boolean => !!(params as Record<string, unknown> | undefined)?.[PREPARED]

/** The transaction the core opened for this write. */
export function trxOf(context: HookContext): Knex.Transaction {
  const trx = (context.params as FinanceParams).transaction
  if (!trx) throw new Error('finance: expected to run inside the transaction of a write')
  return trx
}

/** Finance documents are staff work: partner users calling from outside are refused. */
export function requireStaff(params: FinanceParams | undefined, what: string): void {
  if (!params?.provider) return
  if (!params.user) throw new NotAuthenticated('Not authenticated')
  if (params.user.partnerId) throw new Forbidden(`Partner users cannot ${what}`)
}

/** The partner a partner user is bound to (external calls only). */
export const callerPartner = (params: FinanceParams | undefined): number | undefined => (params?.provider ? (params.user?.partnerId ?? undefined) : undefined)

/** A 400 naming one field, in the platform's `{path, message}` shape. */
export const invalid = (path: string, message: string): BadRequest => new BadRequest(`Invalid data: ${path.replace(/^\//, '')} ${message}`, { errors: [{ path, message }] })

/** Runs `fn` in the caller's transaction, or in a new one. */
export async function inTransaction<T>(knex: Knex, params: FinanceParams | undefined, fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
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
  if (typeof data !== 'object' || Array.isArray(data)) throw new BadRequest('Request body must be a JSON object', { errors: [{ path: '', message: 'must be an object' }] })
  return data as Record<string, unknown>
}
