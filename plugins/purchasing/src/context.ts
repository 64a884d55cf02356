import { BadRequest, Conflict } from '@feathersjs/errors'
import type { HookContext } from '@feathersjs/feathers'
import type { Knex } from 'knex'

/** Writes made by the purchasing plugin itself (actions, totals): its guards let them through. */
export const INTERNAL = 'purchasingInternal'
export const isInternal = (params: unknown): boolean => !!(params as Record<string, unknown> | undefined)?.[INTERNAL]

export interface Params {
  provider?: string
  transaction?: Knex.Transaction
  now?: Date | string
  [key: string]: unknown
}

export function trxOf(context: HookContext): Knex.Transaction {
  const trx = (context.params as Params).transaction
  if (!trx) throw new Error('purchasing: expected to run inside the transaction of a write')
  return trx
}

/** The time of a call: `params.now` for in-process callers (tests, demo data), the clock otherwise. */
export function nowOf(params: Params | undefined): Date {
  if (params?.now !== undefined && !params.provider) {
    const d = new Date(params.now)
    if (!Number.isNaN(d.getTime())) return d
  }
  return new Date()
}

export const invalid = (path: string, message: string): BadRequest => new BadRequest(`Invalid data: ${path.replace(/^\//, '')} ${message}`, { errors: [{ path, message }] })

export const conflict = (message: string, data?: Record<string, unknown>): Conflict => new Conflict(message, data)
