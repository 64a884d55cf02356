import { Conflict } from '@feathersjs/errors'
import type { HookContext } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import { internalFlag, trxOf as writeTransaction, type CallParams } from '@plume/core'

/** Writes made by the purchasing plugin itself (actions, totals): its guards let them through. */
const FLAG = internalFlag('purchasingInternal')
export const INTERNAL = FLAG.key
export const isInternal = FLAG.is

export type Params = CallParams

export const trxOf = (context: HookContext): Knex.Transaction => writeTransaction(context, 'purchasing')

export { invalidField as invalid, nowOf } from '@plume/core'

export const conflict = (message: string, data?: Record<string, unknown>): Conflict =>
  new Conflict(message, data)
