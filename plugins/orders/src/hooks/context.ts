import type { HookContext } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import { trxOf as writeTransaction } from '@plume/core'

export interface Caller {
  id?: number
  partnerId?: number | null
}

/** The transaction the core's transaction hook opened for this write. */
export const trxOf = (context: HookContext): Knex.Transaction => writeTransaction(context, 'orders')

/** The partner of a partner user calling from outside; undefined for staff and internal calls. */
export function callerPartner(context: HookContext): number | undefined {
  if (!context.params.provider) return undefined
  return (context.params.user as Caller | undefined)?.partnerId ?? undefined
}
