import type { Knex } from 'knex'
import type { PlumeApp } from '@plume/core'
import { dec, money } from '@plume/core'
import type { InventoryApi } from '@plume/plugin-inventory'
import { conflict, invalid, nowOf, type Params } from './context.js'
import { landedUnitCost, movingAverage, spreadLanded } from './cost.js'
import { internal } from './hooks/guard-order.js'

export interface PoRow {
  id: number
  number: string
  status: string
  warehouseId: number
  subtotal: string
  landedCost: string
}

interface PoLine {
  id: number
  productId: number
  quantity: number
  receivedQuantity: number
  unitCost: string
}

export interface ReceiveBody {
  lines: Array<{ lineId: number; quantity: number }>
  freight?: string
  duty?: string
  allowOverReceipt?: boolean
  reference?: string
}

/**
 * Locks the product's cost row so that concurrent receipts average in turn; a product's first row
 * starts from its typed-in `cost` (the value of the stock it already holds).
 */
async function lockCost(
  trx: Knex.Transaction,
  productId: number,
): Promise<{ id: number; averageCost: string }> {
  await trx.raw(
    `insert into product_costs ("productId", "averageCost") select id, coalesce(cost, 0) from products where id = ? on conflict ("productId") do nothing`,
    [productId],
  )
  return (await trx('product_costs')
    .select('id', 'averageCost')
    .where({ productId })
    .forUpdate()
    .first()) as { id: number; averageCost: string }
}

async function onHandEverywhere(trx: Knex.Transaction, productId: number): Promise<number> {
  const row = (await trx('stock_levels').where({ productId }).sum({ q: 'onHand' }).first()) as
    { q: string | number | null } | undefined
  return Number(row?.q ?? 0)
}

/** Every requested line is a line of this order, once, and within what is still open (unless over-receipt is allowed). */
function checkLines(body: ReceiveBody, lines: Map<number, PoLine>): void {
  const seen = new Set<number>()
  body.lines.forEach((l, i) => {
    const line = lines.get(l.lineId)
    if (!line) throw invalid(`/lines/${i}/lineId`, 'is not a line of this purchase order')
    if (seen.has(l.lineId)) throw invalid(`/lines/${i}/lineId`, 'appears twice')
    seen.add(l.lineId)
    const open = line.quantity - line.receivedQuantity
    if (l.quantity > open && !body.allowOverReceipt) {
      throw invalid(
        `/lines/${i}/quantity`,
        `would receive ${l.quantity} where ${open} of ${line.quantity} remain open; set allowOverReceipt to accept more than was ordered`,
      )
    }
  })
}

/**
 * `POST /api/purchase-orders/:id/receive`: goods in against the order, in its transaction —
 * stock receipts (one ledger movement per line, referenced by the PO number), each line's received
 * quantity, the product's moving-average cost with its share of freight and duty (and the
 * product's `cost`, rounded, so margin reports follow), the order's landed cost and its state:
 * partially received or received.
 */
export async function receive(
  app: PlumeApp,
  inventory: InventoryApi,
  trx: Knex.Transaction,
  po: PoRow,
  body: ReceiveBody,
  params: Params,
): Promise<unknown> {
  if (po.status !== 'sent' && po.status !== 'partially_received')
    throw conflict(`Purchase order ${po.number} is ${po.status}: goods are received against a sent order`, {
      status: po.status,
    })
  const rows = (await trx('purchase_order_lines')
    .select('id', 'productId', 'quantity', 'receivedQuantity', 'unitCost')
    .where({ purchaseOrderId: po.id })) as PoLine[]
  const lines = new Map(rows.map((l) => [l.id, l]))
  checkLines(body, lines)
  const extra = money(dec(body.freight ?? '0').plus(body.duty ?? '0'))
  const received = body.lines.map((l) => ({ line: lines.get(l.lineId)!, quantity: l.quantity }))
  const shares = spreadLanded(
    received.map((r) => ({ quantity: r.quantity, unitCost: r.line.unitCost })),
    extra,
  )
  const now = nowOf(params)
  for (const [i, r] of received.entries()) {
    const cost = await lockCost(trx, r.line.productId)
    const before = await onHandEverywhere(trx, r.line.productId)
    const unit = landedUnitCost({ quantity: r.quantity, unitCost: r.line.unitCost }, shares[i]!)
    const average = movingAverage(before, cost.averageCost, r.quantity, unit)
    await inventory.receive(trx, {
      productId: r.line.productId,
      warehouseId: po.warehouseId,
      quantity: r.quantity,
      reference: po.number,
      note: body.reference ?? null,
      occurredAt: now,
    })
    await app
      .service('api/product-costs')
      .patch(
        cost.id,
        { averageCost: average, lastReceiptAt: now.toISOString() },
        internal({ transaction: trx }),
      )
    await app.service('api/products').patch(r.line.productId, { cost: money(average) }, { transaction: trx })
    await app
      .service('api/purchase-order-lines')
      .patch(
        r.line.id,
        { receivedQuantity: r.line.receivedQuantity + r.quantity },
        internal({ transaction: trx }),
      )
    r.line.receivedQuantity += r.quantity
  }
  const complete = rows.every((l) => l.receivedQuantity >= l.quantity)
  const landedCost = money(dec(po.landedCost).plus(extra))
  return app.service('api/purchase-orders').patch(
    po.id,
    {
      status: complete ? 'received' : 'partially_received',
      landedCost,
      total: money(dec(po.subtotal).plus(landedCost)),
      ...(complete ? { receivedAt: now.toISOString() } : {}),
    },
    internal({ transaction: trx }),
  )
}
