import type { Knex } from 'knex'

/** What `ctx.use('purchasing')` returns. */
export interface PurchasingApi {
  /**
   * Quantity on order per product (and warehouse): open quantities of sent and partially
   * received purchase orders — what availability planning and replenishment count as coming.
   */
  onOrder(
    db: Knex | Knex.Transaction,
    filter?: { productIds?: number[]; warehouseId?: number },
  ): Promise<Array<{ productId: number; warehouseId: number; quantity: number }>>
}

export const purchasingApi = (): PurchasingApi => ({
  async onOrder(db, filter = {}) {
    const q = db('purchase_order_lines as l')
      .join('purchase_orders as o', 'o.id', 'l.purchaseOrderId')
      .whereIn('o.status', ['sent', 'partially_received'])
      .groupBy('l.productId', 'o.warehouseId')
      .select('l.productId', 'o.warehouseId')
      .select(db.raw('sum(greatest(l.quantity - l."receivedQuantity", 0))::int as quantity'))
    if (filter.productIds) q.whereIn('l.productId', filter.productIds)
    if (filter.warehouseId) q.where('o.warehouseId', filter.warehouseId)
    return (await q) as Array<{ productId: number; warehouseId: number; quantity: number }>
  },
})
