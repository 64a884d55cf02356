import type { Knex } from 'knex'
import type { PluginMigration } from '@plume/core'

/**
 * Orders per product (`sales-by-product`) is a distinct count, which PostgreSQL computes by
 * sorting: this index hands it the lines already in (product, order) order, with the status and
 * figures the report reads, so it is one index-only pass without a sort (about 1.4 s → 0.8 s on
 * 2.5M lines).
 */
export async function orderLinesByProduct(trx: Knex | Knex.Transaction): Promise<void> {
  await trx.raw(
    'create index if not exists plume_order_lines_product_order on order_lines ("productId", "orderId") include (status, quantity, "lineTotal")',
  )
}

export const orderLinesByProductMigration: PluginMigration = {
  name: '20260402000000-order-lines-by-product',
  up: (_ctx, trx) => orderLinesByProduct(trx),
}
