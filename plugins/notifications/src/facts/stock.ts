import type { FactDefinition } from '@plume/core'

const LEVEL = `sl.id, sl."productId", sl."warehouseId", sl."onHand", sl.reserved, sl."reorderPoint", sl."reorderQuantity",
  (sl."onHand" - sl.reserved) as available, p.sku, p.name as "productName", w.code as "warehouseCode"`

const FIELDS = ['id', 'productId', 'warehouseId', 'onHand', 'reserved', 'reorderPoint', 'reorderQuantity', 'available', 'sku', 'productName', 'warehouseCode']

const rows = (res: unknown) => (res as { rows: Array<Record<string, unknown>> }).rows

/** Stock levels of an order's products in its warehouse, with `available` — after a shipment or reservation. */
export const orderStock: FactDefinition = {
  name: 'orderStock',
  description: 'Stock levels (available = onHand − reserved) of the products of the triggering order, in its warehouse',
  entity: 'stockLevel',
  list: true,
  fields: FIELDS,
  scope: 'event',
  async load({ db, record }) {
    const orderId = Number(record?.id)
    if (!Number.isInteger(orderId)) return []
    return rows(
      await db.raw(
        `select ${LEVEL} from stock_levels sl
           join products p on p.id = sl."productId" join warehouses w on w.id = sl."warehouseId"
          where sl."warehouseId" = (select "warehouseId" from orders where id = ?)
            and sl."productId" in (select "productId" from order_lines where "orderId" = ?)
          order by sl.id`,
        [orderId, orderId],
      ),
    )
  },
}

/** Every stock level whose availability is below its reorder point (schedules). */
export const lowStock: FactDefinition = {
  name: 'lowStock',
  description: 'Stock levels with available below the reorder point',
  entity: 'stockLevel',
  list: true,
  fields: FIELDS,
  async load({ db }) {
    return rows(
      await db.raw(
        `select ${LEVEL} from stock_levels sl
           join products p on p.id = sl."productId" join warehouses w on w.id = sl."warehouseId"
          where sl."reorderPoint" > 0 and sl."onHand" - sl.reserved < sl."reorderPoint"
          order by sl.id limit 5000`,
      ),
    )
  },
}
