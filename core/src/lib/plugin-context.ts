import { BadRequest } from '@feathersjs/errors'
import type { HookContext } from '@feathersjs/feathers'
import type { Knex } from 'knex'

/** What plugin code reads from Feathers params besides the core's own (`EntityParams`). */
export interface CallParams {
  provider?: string
  user?: { id?: number; partnerId?: number | null; roles?: unknown }
  transaction?: Knex.Transaction
  query?: Record<string, unknown>
  /** In-process callers (tests, the scheduler, demo data) may set the clock; ignored for external calls. */
  now?: Date | string
  [key: string]: unknown
}

/**
 * The transaction the core's transaction hook opened for this write; throws (naming `who`) when a
 * hook that needs one runs outside a write.
 * @example const trx = trxOf(context, 'orders')
 */
export function trxOf(context: HookContext, who = 'plugin'): Knex.Transaction {
  const trx = (context.params as CallParams).transaction
  if (!trx) throw new Error(`${who}: expected to run inside the transaction of a write`)
  return trx
}

/**
 * The time a call happens at: `params.now` for in-process callers, the wall clock otherwise.
 * @example nowOf({ now: '2026-11-25T08:00:00Z' }).toISOString() // '2026-11-25T08:00:00.000Z'
 */
export function nowOf(params: CallParams | undefined): Date {
  if (params?.now !== undefined && !params.provider) {
    const d = new Date(params.now)
    if (!Number.isNaN(d.getTime())) return d
  }
  return new Date()
}

/**
 * A 400 naming one field, in the platform's `{path, message}` shape.
 * @example throw invalidField('/quantity', 'must be above 0')
 */
export const invalidField = (path: string, message: string): BadRequest =>
  new BadRequest(`Invalid data: ${path.replace(/^\//, '')} ${message}`, { errors: [{ path, message }] })

/**
 * A params flag marking a plugin's own in-process writes (its hooks let them through unchecked):
 * set `{ [flag.key]: true }` on the params, test with `flag.is(params)`. Never set by a client.
 * @example const INTERNAL = internalFlag('purchasingInternal'); await svc.patch(id, data, { [INTERNAL.key]: true })
 */
export function internalFlag(key: string): { key: string; is(params: unknown): boolean } {
  return { key, is: (params) => !!(params as Record<string, unknown> | undefined)?.[key] }
}
