import type { PluginMigration } from '@plume/core'

/**
 * Outbound stock movements by product and warehouse over time (slow movers, stock turns): made by
 * the reporting plugin's first migration until the inventory plugin, which owns the table, took
 * it over. `if not exists`: a database where reporting made it keeps it.
 */
export const outboundMovementsIndexMigration: PluginMigration = {
  name: '20261207100000-outbound-movements-index',
  up: async (_ctx, trx) => {
    await trx.raw(
      `create index if not exists plume_rep_movements_outbound on stock_movements ("productId", "warehouseId", "occurredAt") where kind in ('shipment', 'transfer_out')`,
    )
  },
}
