import { Conflict, NotFound } from '@feathersjs/errors'
import type { Knex } from 'knex'
import type { PlumeApp } from '@plume/core'
import { idempotent } from '@plume/plugin-orders'
import { bodyOf, invalid, onlyKeys, PREPARED, requireStaff, type FinanceParams } from '../context.js'
import { dec, invoiceTotals, lineTax, Money, money } from '../money.js'
import { nextDocumentNumber } from '../numbering.js'
import type { InvoiceLineRow, InvoiceRow, InvoiceWithLines, NewInvoiceLine } from './types.js'
import { invoicesFromOrdersDocs } from '../ar/docs.js'

/** Orders in these states have been delivered and may be invoiced. */
export const INVOICEABLE_ORDER_STATES = ['delivered', 'closed'] as const
const MAX_ORDERS = 200

export interface OrderHead {
  id: number
  number: string
  status: string
  customerId: number
  partnerId: number | null
  currency: string
  taxTotal: string
  total: string
}

export interface OrderLine {
  id: number
  orderId: number
  quantity: number
  unitPrice: string | null
  discount: string | null
  lineTotal: string | null
  taxRate: string | number | null
  sku: string
  name: string
}

/** `{orderIds: [1, 2]}` → `[1, 2]` (1–200 distinct positive integers). */
export function readOrderIds(data: unknown): number[] {
  const body = bodyOf(data)
  onlyKeys(body, ['orderIds'])
  const ids = body.orderIds
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_ORDERS)
    throw invalid('/orderIds', `must be an array of 1 to ${MAX_ORDERS} order ids`)
  ids.forEach((id, i) => {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > 2147483647)
      throw invalid(`/orderIds/${i}`, 'must be a positive integer')
  })
  if (new Set(ids).size !== ids.length) throw invalid('/orderIds', 'must not repeat an order')
  return ids as number[]
}

/** Refuses the whole request, naming every order that cannot be invoiced and why. */
async function checkOrders(trx: Knex.Transaction, ids: number[], orders: OrderHead[]): Promise<void> {
  const found = new Set(orders.map((o) => o.id))
  const missing = ids.filter((id) => !found.has(id))
  if (missing.length) throw new NotFound(`No order with id ${missing.join(', ')}`, { missing })
  const notDelivered = orders.filter(
    (o) => !(INVOICEABLE_ORDER_STATES as readonly string[]).includes(o.status),
  )
  const invoiced = (await trx('invoice_lines as l')
    .join('invoices as i', 'i.id', 'l.invoiceId')
    .join('orders as o', 'o.id', 'l.orderId')
    .whereIn('l.orderId', ids)
    .whereNot('i.status', 'void')
    .distinct('o.number as order', 'i.number as invoice')
    .orderBy('o.number')) as Array<{ order: string; invoice: string }>
  const problems: string[] = []
  if (notDelivered.length)
    problems.push(`not delivered: ${notDelivered.map((o) => `${o.number} (${o.status})`).join(', ')}`)
  if (invoiced.length)
    problems.push(`already invoiced: ${invoiced.map((r) => `${r.order} (${r.invoice})`).join(', ')}`)
  if (problems.length) {
    throw new Conflict(`Cannot invoice orders ${problems.join('; ')}`, {
      notDelivered: notDelivered.map((o) => ({ id: o.id, number: o.number, status: o.status })),
      alreadyInvoiced: invoiced,
    })
  }
  const first = orders[0]!
  const other = orders.find(
    (o) =>
      o.customerId !== first.customerId || o.currency !== first.currency || o.partnerId !== first.partnerId,
  )
  if (other)
    throw new Conflict(
      `Orders ${first.number} and ${other.number} cannot share an invoice: one invoice is for one customer, partner and currency`,
    )
}

/** Invoice lines copied from the locked order lines, plus one line per order-level discount. */
export function buildLines(orders: OrderHead[], lines: OrderLine[]): NewInvoiceLine[] {
  const out: NewInvoiceLine[] = []
  for (const o of orders) {
    const mine = lines.filter((l) => l.orderId === o.id)
    if (mine.length === 0) throw new Conflict(`Order ${o.number} has no lines to invoice`)
    let net = new Money(0)
    for (const l of mine) {
      if (l.unitPrice === null || l.lineTotal === null)
        throw new Conflict(`Order ${o.number} has a line without a locked price`)
      const taxRate = dec(l.taxRate).toNumber()
      out.push({
        orderId: o.id,
        orderLineId: l.id,
        description: `${o.number} · ${l.sku} ${l.name}`.slice(0, 500),
        quantity: l.quantity,
        unitPrice: money(l.unitPrice),
        discount: money(dec(l.discount)),
        taxRate,
        lineTotal: money(l.lineTotal),
        taxAmount: lineTax(l.lineTotal, l.taxRate ?? 0),
      })
      net = net.plus(dec(l.lineTotal))
    }
    // an order-level discount (promotions) is not on any line: total = Σ net − discount + tax
    const orderOff = net.plus(dec(o.taxTotal)).minus(dec(o.total))
    if (orderOff.gt(0)) {
      out.push({
        orderId: o.id,
        orderLineId: null,
        description: `${o.number} · Order discount`,
        quantity: 1,
        unitPrice: money(orderOff.neg()),
        discount: '0.00',
        taxRate: 0,
        lineTotal: money(orderOff.neg()),
        taxAmount: '0.00',
      })
    }
  }
  return out
}

/**
 * Creates a draft invoice from delivered orders of one customer, in `trx`: the orders are locked
 * (so two requests cannot invoice the same order), the lines copy the prices locked on the order
 * lines at submit — later price list or promotion changes never re-price an invoice — and the
 * gap-free number is taken last. 409 naming the orders not delivered or already invoiced.
 * @example const invoice = await invoiceOrders(app, trx, [12, 13])
 */
export async function invoiceOrders(
  app: PlumeApp,
  trx: Knex.Transaction,
  orderIds: number[],
  params: FinanceParams = {},
): Promise<InvoiceWithLines> {
  const ids = [...orderIds].sort((a, b) => a - b)
  const orders = (await trx('orders')
    .select('id', 'number', 'status', 'customerId', 'partnerId', 'currency', 'taxTotal', 'total')
    .whereIn('id', ids)
    .orderBy('id')
    .forUpdate()) as OrderHead[]
  await checkOrders(trx, ids, orders)
  const orderLines = (await trx('order_lines as l')
    .join('products as p', 'p.id', 'l.productId')
    .whereIn('l.orderId', ids)
    .select(
      'l.id',
      'l.orderId',
      'l.quantity',
      'l.unitPrice',
      'l.discount',
      'l.lineTotal',
      'l.taxRate',
      'p.sku',
      'p.name',
    )
    .orderBy([{ column: 'l.orderId' }, { column: 'l.id' }])) as OrderLine[]
  const lines = buildLines(orders, orderLines)
  const totals = invoiceTotals(lines)
  const first = orders[0]!
  const internal = { transaction: trx, [PREPARED]: true, ...(params.user ? { user: params.user } : {}) }
  const number = await nextDocumentNumber(trx, 'INV')
  const invoice = (await app.service('api/invoices').create(
    {
      number,
      customerId: first.customerId,
      partnerId: first.partnerId,
      currency: first.currency,
      status: 'draft',
      ...totals,
      amountPaid: '0.00',
      creditTotal: '0.00',
    },
    internal,
  )) as InvoiceRow
  const created: InvoiceLineRow[] = []
  for (const l of lines)
    created.push(
      (await app
        .service('api/invoice-lines')
        .create({ ...l, invoiceId: invoice.id }, internal)) as InvoiceLineRow,
    )
  return { ...invoice, lines: created }
}

/**
 * `POST /api/invoices/from-orders {orderIds: [...]}` → the draft invoice with its lines (201).
 * With an `Idempotency-Key` header a retry replays the first answer instead of answering 409.
 * @example await app.service('api/invoices/from-orders').create({ orderIds: [12] })
 */
export function invoicesFromOrdersService(app: PlumeApp) {
  return {
    docs: invoicesFromOrdersDocs,
    async create(data: unknown, params?: FinanceParams): Promise<InvoiceWithLines> {
      requireStaff(params, 'create invoices')
      const ids = readOrderIds(data)
      const run = async (trx: Knex.Transaction) =>
        (
          await idempotent(
            { trx, params, route: 'POST /api/invoices/from-orders', body: data, status: 201 },
            () => invoiceOrders(app, trx, ids, params),
          )
        ).result
      if (params?.transaction) return run(params.transaction)
      return app.get('db').knex.transaction(run)
    },
  }
}
