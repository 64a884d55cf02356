import type { HookContext } from '@feathersjs/feathers'
import type { Knex } from 'knex'

export interface Caller {
  id?: number
  partnerId?: number | null
}

/** The transaction the core's transaction hook opened for this write. */
export function trxOf(context: HookContext): Knex.Transaction {
  const trx = (context.params as { transaction?: Knex.Transaction }).transaction
  if (!trx) throw new Error('orders: expected to run inside the transaction of a write')
  return trx
}

/** The partner of a partner user calling from outside; undefined for staff and internal calls. */
export function callerPartner(context: HookContext): number | undefined {
  if (!context.params.provider) return undefined
  return (context.params.user as Caller | undefined)?.partnerId ?? undefined
}
