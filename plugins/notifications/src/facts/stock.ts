import type { FactDefinition, TriggerEvent } from '@plume/core'

const LEVEL = `sl.id, sl."productId", sl."warehouseId", sl."onHand", sl.reserved, sl."reorderPoint", sl."reorderQuantity",
  (sl."onHand" - sl.reserved) as available, p.sku, p.name as "productName", w.code as "warehouseCode"`

const FIELDS = [
  'id',
  'productId',
  'warehouseId',
  'onHand',
  'reserved',
  'reorderPoint',
  'reorderQuantity',
  'available',
  'sku',
  'productName',
  'warehouseCode',
]

const rows = (res: unknown) => (res as { rows: Array<Record<string, unknown>> }).rows

/** What a transition changes in the availability of a product's level, by the order's quantity of it. */
function availabilityShift(event: TriggerEvent | undefined): { pending: number; applied: number } {
  if (event?.on !== 'transition') return { pending: 0, applied: 0 }
  // submit: the reservation is settled as the transition commits (inventory's reserveAtCommit),
  // after the rules ran — the levels read here do not show it yet
  if (event.action === 'submit') return { pending: -1, applied: 0 }
  // cancel of a submitted order: its reservation was released before the rules ran
  if (event.action === 'cancel' && event.previous?.status !== undefined && event.previous.status !== 'draft')
    return { pending: 0, applied: 1 }
  // ship consumes the reservation: on hand and reserved both fall, availability stays
  return { pending: 0, applied: 0 }
}

/**
 * Stock levels of an order's products in its warehouse, as they stand once the triggering
 * transition commits, with `available` and `previousAvailable` (before the transition): a rule
 * compares both to fire once on a crossing of the reorder point — at the submit's reservation,
 * not again on each shipment while the level stays low.
 */
export const orderStock: FactDefinition = {
  name: 'orderStock',
  description:
    "Stock levels of the triggering order's products in its warehouse once the transition commits: available = onHand − reserved, previousAvailable before it",
  entity: 'stockLevel',
  list: true,
  fields: [...FIELDS, 'previousAvailable'],
  scope: 'event',
  async load({ db, record, event }) {
    const orderId = Number(record?.id)
    if (!Number.isInteger(orderId)) return []
    const list = rows(
      await db.raw(
        `select ${LEVEL}, q.quantity from stock_levels sl
           join products p on p.id = sl."productId" join warehouses w on w.id = sl."warehouseId"
           join (select "productId", sum(quantity)::int as quantity from order_lines where "orderId" = ? group by "productId") q on q."productId" = sl."productId"
          where sl."warehouseId" = (select "warehouseId" from orders where id = ?)
          order by sl.id`,
        [orderId, orderId],
      ),
    )
    const shift = availabilityShift(event)
    return list.map(({ quantity, ...level }) => {
      const q = Number(quantity)
      const available = Number(level.available) + shift.pending * q
      return {
        ...level,
        reserved: Number(level.reserved) - shift.pending * q,
        available,
        previousAvailable: available - (shift.pending + shift.applied) * q,
      }
    })
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
