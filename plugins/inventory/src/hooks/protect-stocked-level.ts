import { Conflict } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import { setting } from '@plume/core'

/**
 * A stock level that still holds or reserves stock cannot be deleted by a client (the ledger
 * would no longer add up); adjust it to zero first.
 * @example hooks: { stockLevel: { remove: [protectStockedLevel()] } }
 */
export const protectStockedLevel = () => async (context: HookContext, next: NextFunction) => {
  if (context.params.provider && context.id !== null && context.id !== undefined) {
    const { knex } = setting(context.app, 'db')
    const db = (context.params as { transaction?: Knex.Transaction }).transaction ?? knex
    const row = (await db('stock_levels')
      .select('onHand', 'reserved')
      .where('id', Number(context.id))
      .first()) as { onHand: number; reserved: number } | undefined
    if (row && (row.onHand !== 0 || row.reserved !== 0)) {
      throw new Conflict(
        `This stock level still has ${row.onHand} on hand and ${row.reserved} reserved; adjust it to zero before deleting it`,
      )
    }
  }
  return next()
}
