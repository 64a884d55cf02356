import { insertRows, seededRandom, type Random } from '@plume/core'
import type { Knex } from 'knex'
import { Money } from '../money.js'
import { ORDER_NUMBER_SEQUENCE } from '../migrations/20260101000000-orders-base.js'
import { formatOrderNumber } from '../number.js'
import { pickPriceList, priceListPrecedence } from '../pricing/resolve.js'
import { lineTotals, orderTotals, pickListPrice } from '../pricing/totals.js'
import type { OrderStatus } from '../state-machine.js'

const DAY = 86_400_000
type Items = Map<number, Map<number, Array<{ minQuantity: number; unitPrice: string }>>>

interface Product {
  id: number
  listPrice: string
  taxRate: string
}
interface Customer {
  id: number
  partnerId: number | null
  priceListId: number | null
  ownerId: number | null
  since: number
}

/** Older orders are mostly finished, recent ones still moving. */
function statusFor(r: Random, ageDays: number): OrderStatus {
  const x = r.next()
  if (ageDays > 30) return x < 0.55 ? 'closed' : x < 0.85 ? 'delivered' : x < 0.93 ? 'cancelled' : 'shipped'
  if (ageDays > 7)
    return x < 0.1
      ? 'closed'
      : x < 0.5
        ? 'delivered'
        : x < 0.8
          ? 'shipped'
          : x < 0.95
            ? 'approved'
            : 'cancelled'
  return x < 0.25
    ? 'draft'
    : x < 0.55
      ? 'submitted'
      : x < 0.75
        ? 'approved'
        : x < 0.9
          ? 'shipped'
          : 'cancelled'
}

/** How many customers (sorted by when they joined) had joined by `time`. */
function joinedBy(customers: ReadonlyArray<{ since: number }>, time: number): number {
  let lo = 0
  let hi = customers.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (customers[mid]!.since <= time) lo = mid + 1
    else hi = mid
  }
  return lo
}

const REACHED: Record<OrderStatus, number> = {
  draft: 0,
  submitted: 1,
  approved: 2,
  shipped: 3,
  delivered: 4,
  closed: 5,
  cancelled: -1,
}

/**
 * ~5,000 orders over the last 12 months in every state, priced like the live pipeline (price
 * list or list price, per-line tax), with the stock movements their history implies and the
 * stock levels updated to match (top-up receipts where demand exceeded the opening stock).
 */
export async function seedOrders(
  trx: Knex.Transaction,
  count = 5000,
): Promise<{ orders: number; lines: number; movements: number }> {
  const r = seededRandom(20260404)
  const products = (await trx('products')
    .select('id', 'listPrice', 'taxRate')
    .where('active', true)
    .orderBy('id')) as Product[]
  // oldest first: an order goes to a customer who had joined by then
  const customers = (
    (await trx('customers')
      .select('id', 'partnerId', 'priceListId', 'ownerId', 'createdAt')
      .where('status', 'active')
      .orderBy([{ column: 'createdAt' }, { column: 'id' }])) as Array<Customer & { createdAt: Date | string }>
  ).map((c) => ({ ...c, since: new Date(c.createdAt).getTime() }))
  const warehouses = ((await trx('warehouses').select('id').orderBy('id')) as Array<{ id: number }>).map(
    (w) => w.id,
  )
  if (!products.length || !customers.length || !warehouses.length)
    return { orders: 0, lines: 0, movements: 0 }
  const precedence = priceListPrecedence()
  const partnerLists = new Map(
    (
      (await trx('partners').select('id', 'priceListId')) as Array<{ id: number; priceListId: number | null }>
    ).map((p) => [p.id, p.priceListId]),
  )
  const items: Items = new Map()
  for (const it of (await trx('price_list_items').select(
    'priceListId',
    'productId',
    'minQuantity',
    'unitPrice',
  )) as Array<{ priceListId: number; productId: number; minQuantity: number; unitPrice: string }>) {
    const byProduct = items.get(it.priceListId) ?? new Map()
    byProduct.set(it.productId, [
      ...(byProduct.get(it.productId) ?? []),
      { minQuantity: it.minQuantity, unitPrice: String(it.unitPrice) },
    ])
    items.set(it.priceListId, byProduct)
  }

  const now = Date.now()
  const at = (t: number) => new Date(Math.min(t, now - 60_000)).toISOString()
  const drafts = Array.from({ length: count }, () => {
    const ageDays = r.next() * 365
    return { ageDays, time: now - ageDays * DAY }
  }).sort((a, b) => a.time - b.time)

  const orders: Array<Record<string, unknown>> = []
  const orderLines: Array<Array<Record<string, unknown>>> = []
  const history: Array<{
    status: OrderStatus
    submitted: boolean
    warehouseId: number
    submittedAt: string
    shippedAt: string
    cancelledAt: string
  }> = []
  drafts.forEach((d, i) => {
    const customer = customers[r.int(0, Math.max(1, joinedBy(customers, d.time)) - 1)]!
    const priceListId = pickPriceList(precedence, {
      customer: customer.priceListId,
      partner: customer.partnerId ? partnerLists.get(customer.partnerId) : null,
    })
    const status = statusFor(r, d.ageDays)
    const submitted = status === 'cancelled' ? r.chance(0.6) : REACHED[status] >= 1
    const warehouseId = r.pick(warehouses)
    const chosen = new Set<Product>()
    const n = r.int(1, 5)
    while (chosen.size < n) chosen.add(r.pick(products))
    const lines = [...chosen].map((p) => {
      const quantity = r.chance(0.1) ? r.int(50, 80) : r.int(1, 12)
      const unit =
        pickListPrice(priceListId ? items.get(priceListId)?.get(p.id) : undefined, quantity) ??
        String(p.listPrice)
      const taxRate = new Money(String(p.taxRate))
      const t = lineTotals({ unitPrice: new Money(unit), quantity, discount: new Money(0), taxRate })
      return {
        productId: p.id,
        quantity,
        unitPrice: unit,
        listPrice: String(p.listPrice),
        discount: '0.00',
        lineTotal: t.lineTotal,
        taxAmount: t.taxAmount,
        taxRate: taxRate.toString(),
        totals: t,
      }
    })
    const totals = orderTotals(lines.map((l) => l.totals))
    const stamps = {
      submittedAt: at(d.time + 3_600_000),
      approvedAt: at(d.time + DAY),
      shippedAt: at(d.time + 2 * DAY),
      deliveredAt: at(d.time + 5 * DAY),
      cancelledAt: at(d.time + 7_200_000),
    }
    const reached = REACHED[status]
    orders.push({
      number: formatOrderNumber(new Date(d.time).getUTCFullYear(), i + 1),
      customerId: customer.id,
      partnerId: customer.partnerId,
      ownerId: customer.ownerId,
      warehouseId,
      priceListId,
      status,
      orderDate: new Date(d.time).toISOString(),
      currency: 'CNY',
      ...totals,
      submittedAt: submitted ? stamps.submittedAt : null,
      approvedAt: reached >= 2 ? stamps.approvedAt : null,
      shippedAt: reached >= 3 ? stamps.shippedAt : null,
      deliveredAt: reached >= 4 ? stamps.deliveredAt : null,
      cancelledAt: status === 'cancelled' ? stamps.cancelledAt : null,
      cancelReason:
        status === 'cancelled'
          ? r.pick(['Customer changed their mind', 'Duplicate order', 'Price disagreement'])
          : null,
      createdAt: new Date(d.time).toISOString(),
      updatedAt: at(d.time + 5 * DAY),
    })
    orderLines.push(lines.map(({ totals: _t, ...l }) => l))
    history.push({ status, submitted, warehouseId, ...stamps })
  })

  const ids = await insertRows<{ id: number }>(trx, 'orders', orders)
  // each line carries its order's facts (see entities/orderLine-order-facts.json)
  const lineRows = ids.flatMap((o, i) => {
    const { orderDate, status, partnerId, customerId } = orders[i]!
    return orderLines[i]!.map((l) => ({ ...l, orderId: o.id, orderDate, status, partnerId, customerId }))
  })
  await insertRows(trx, 'order_lines', lineRows, ['id'], 2000)

  // the stock history each order implies, and the net effect per product and warehouse
  const movements: Array<Record<string, unknown>> = []
  const delta = new Map<
    string,
    { productId: number; warehouseId: number; onHand: number; reserved: number }
  >()
  const bump = (productId: number, warehouseId: number, onHand: number, reserved: number) => {
    const key = `${productId}:${warehouseId}`
    const d = delta.get(key) ?? { productId, warehouseId, onHand: 0, reserved: 0 }
    d.onHand += onHand
    d.reserved += reserved
    delta.set(key, d)
  }
  ids.forEach((o, i) => {
    const h = history[i]!
    if (!h.submitted) return
    const reference = orders[i]!.number as string
    for (const l of orderLines[i]!) {
      const base = { productId: l.productId as number, warehouseId: h.warehouseId, orderId: o.id, reference }
      const q = l.quantity as number
      movements.push({ ...base, kind: 'reservation', quantity: q, occurredAt: h.submittedAt })
      if (h.status === 'cancelled')
        movements.push({ ...base, kind: 'release', quantity: -q, occurredAt: h.cancelledAt })
      else if (REACHED[h.status] >= 3) {
        movements.push({ ...base, kind: 'shipment', quantity: -q, occurredAt: h.shippedAt })
        bump(base.productId, base.warehouseId, -q, 0)
      } else bump(base.productId, base.warehouseId, 0, q)
    }
  })
  const levels = new Map(
    (
      (await trx('stock_levels').select('productId', 'warehouseId', 'onHand', 'reserved')) as Array<{
        productId: number
        warehouseId: number
        onHand: number
        reserved: number
      }>
    ).map((l) => [`${l.productId}:${l.warehouseId}`, l]),
  )
  const opened = new Date(now - 390 * DAY).toISOString()
  for (const [key, d] of delta) {
    const level = levels.get(key)
    const onHand = (level?.onHand ?? 0) + d.onHand
    const reserved = (level?.reserved ?? 0) + d.reserved
    // demand beyond the opening stock was met by a (back-dated) replenishment
    const short = reserved + 20 - onHand
    if (short > 0) {
      const q = short + 200
      movements.push({
        productId: d.productId,
        warehouseId: d.warehouseId,
        kind: 'receipt',
        quantity: q,
        reference: 'PO-DEMO-REPLENISH',
        occurredAt: opened,
        note: 'Replenishment',
      })
      d.onHand += q
    }
  }
  await insertRows(trx, 'stock_movements', movements, ['id'], 2000)
  const changed = [...delta.values()]
  const missing = changed.filter((d) => !levels.has(`${d.productId}:${d.warehouseId}`))
  await insertRows(
    trx,
    'stock_levels',
    missing.map((d) => ({ productId: d.productId, warehouseId: d.warehouseId, onHand: 0, reserved: 0 })),
  )
  for (let i = 0; i < changed.length; i += 500) {
    const part = changed.slice(i, i + 500)
    const values = part.map(() => '(?::int, ?::int, ?::int, ?::int)').join(', ')
    await trx.raw(
      `update stock_levels as s set "onHand" = s."onHand" + v.h, reserved = s.reserved + v.r, version = s.version + 1, "updatedAt" = now()
       from (values ${values}) as v(p, w, h, r) where s."productId" = v.p and s."warehouseId" = v.w`,
      part.flatMap((d) => [d.productId, d.warehouseId, d.onHand, d.reserved]),
    )
  }
  await trx.raw(`select setval('${ORDER_NUMBER_SEQUENCE}', ?)`, [count])
  return { orders: ids.length, lines: lineRows.length, movements: movements.length }
}
