import { seededRandom } from '@plume/core'
import type { TestPlatform } from '@plume/core/testing'
import { Decimal } from 'decimal.js'
import type { Knex } from 'knex'

/** Deterministic pseudo-random numbers (mulberry32, core's demo-data source), so expected figures are reproducible. */
export const rng = seededRandom

export const STATUSES = [
  'draft',
  'submitted',
  'approved',
  'shipped',
  'delivered',
  'closed',
  'cancelled',
] as const
export const SOLD: ReadonlySet<string> = new Set(['submitted', 'approved', 'shipped', 'delivered', 'closed'])
/** Reference day of the scenario (aging, slow movers). */
export const AS_OF = '2026-03-15'

/** `net`: Σ line totals (after discounts, before tax); `tax`: Σ line taxes; `total` = net + tax. */
export interface OrderRow {
  id: number
  customerId: number
  partnerId: number | null
  status: string
  orderDate: string
  net: string
  tax: string
  total: string
}
export interface LineRow {
  orderId: number
  productId: number
  quantity: number
  unitPrice: string
  discount: string
  lineTotal: string
  taxAmount: string
  promotionId: number | null
}
export interface ProductRow {
  id: number
  sku: string
  name: string
  categoryId: number
  cost: string
}

export interface Scenario {
  partners: Array<{ id: number; name: string; territoryId: number }>
  territories: Array<{ id: number; name: string }>
  customers: Array<{ id: number; name: string; partnerId: number | null }>
  categories: Array<{ id: number; name: string }>
  products: ProductRow[]
  warehouses: Array<{ id: number; name: string }>
  campaigns: Array<{ id: number; name: string }>
  promotions: Array<{ id: number; campaignId: number }>
  orders: OrderRow[]
  lines: LineRow[]
  invoices: Array<{ id: number; status: string; dueDate: string | null; total: string; amountPaid: string }>
  stock: Array<{ productId: number; warehouseId: number; onHand: number }>
  movements: Array<{ productId: number; warehouseId: number; kind: string; occurredAt: string }>
  tickets: Array<{ priority: string; slaBreached: boolean }>
  partnerUser: { email: string; password: string; partnerId: number }
}

const ids = async (k: Knex, table: string, rows: object[]) =>
  ((await k(table).insert(rows).returning('id')) as Array<{ id: number }>).map((r) => r.id)

/**
 * A small distribution business written straight into the tables: 2 territories, 2 partners,
 * 3 customers, 3 products in 2 categories, 2 warehouses, a campaign with 2 promotions, 60 orders
 * (every status, 2025–2026) with 1–3 lines, invoices around `AS_OF`, stock, movements, tickets,
 * and a partner user of the first partner. Returns every figure the tests recompute.
 */
export async function buildScenario(p: TestPlatform, tag: string, seed = 7): Promise<Scenario> {
  const k = p.db.knex
  const r = rng(seed)
  const [t1, t2] = await ids(k, 'territories', [
    { code: `T1-${tag}`, name: `North ${tag}` },
    { code: `T2-${tag}`, name: `South ${tag}` },
  ])
  const [tier] = await ids(k, 'partner_tiers', [{ code: `G-${tag}`, name: 'Gold', rank: 1 }])
  const partners = [
    { name: `Alpha ${tag}`, territoryId: t1! },
    { name: `Beta ${tag}`, territoryId: t2! },
  ]
  const pids = await ids(
    k,
    'partners',
    partners.map((x, i) => ({
      code: `p${i}-${tag}`.toLowerCase(),
      name: x.name,
      kind: 'distributor',
      tierId: tier,
      territoryId: x.territoryId,
    })),
  )
  const customers = [
    { name: `Acme ${tag}`, partnerId: pids[0]! },
    { name: `Bolt ${tag}`, partnerId: pids[1]! },
    { name: `Direct ${tag}`, partnerId: null },
  ]
  const cids = await ids(
    k,
    'customers',
    customers.map((c, i) => ({ code: `c${i}-${tag}`.toLowerCase(), name: c.name, partnerId: c.partnerId })),
  )
  const catNames = [`Tools ${tag}`, `Parts ${tag}`]
  const kids = await ids(
    k,
    'product_categories',
    catNames.map((n, i) => ({ code: `K${i}-${tag}`, name: n })),
  )
  const prodSpecs = [
    { sku: `A-${tag}`, name: 'Anvil', categoryId: kids[0]!, cost: '4.00', listPrice: '9.90' },
    { sku: `B-${tag}`, name: 'Bolt', categoryId: kids[0]!, cost: '10.50', listPrice: '19.99' },
    { sku: `C-${tag}`, name: 'Cog', categoryId: kids[1]!, cost: '1.25', listPrice: '3.33' },
  ]
  const prodIds = await ids(
    k,
    'products',
    prodSpecs.map((x) => ({ ...x, taxRate: 13 })),
  )
  const products = prodSpecs.map((x, i) => ({
    id: prodIds[i]!,
    sku: x.sku,
    name: x.name,
    categoryId: x.categoryId,
    cost: x.cost,
  }))
  const whNames = [`Main ${tag}`, `Spare ${tag}`]
  const wids = await ids(
    k,
    'warehouses',
    whNames.map((n, i) => ({ code: `W${i}-${tag}`, name: n })),
  )
  const [camp] = await ids(k, 'campaigns', [{ code: `CP-${tag}`, name: `Spring ${tag}` }])
  const promoIds = await ids(
    k,
    'promotions',
    [0, 1].map((i) => ({
      code: `PR${i}-${tag}`,
      name: `Promo ${i}`,
      campaignId: camp,
      kind: 'percent',
      percentOff: 10,
    })),
  )

  const orders: OrderRow[] = []
  const lines: LineRow[] = []
  for (let i = 0; i < 60; i++) {
    const ci = r.int(0, 2)
    const month = r.int(0, 14)
    const date = new Date(Date.UTC(2025, month, r.int(1, 28), r.int(0, 23), r.int(0, 59)))
    const status = r.pick(STATUSES)
    const orderLines: Array<Omit<LineRow, 'orderId'>> = []
    for (let j = 0, n = r.int(1, 3); j < n; j++) {
      const pr = r.pick(products)
      const quantity = r.int(1, 20)
      const unitPrice = new Decimal(r.int(100, 5000)).div(100)
      const promo = r.next() < 0.3 ? r.pick(promoIds) : null
      const discount = promo ? unitPrice.mul(quantity).mul(0.1).toDecimalPlaces(2) : new Decimal(0)
      const lineTotal = unitPrice.mul(quantity).minus(discount)
      // VAT 13 % per line, half up to cents, as pricing computes it
      orderLines.push({
        productId: pr.id,
        quantity,
        unitPrice: unitPrice.toFixed(2),
        discount: discount.toFixed(2),
        lineTotal: lineTotal.toFixed(2),
        taxAmount: lineTotal.mul(13).div(100).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2),
        promotionId: promo,
      })
    }
    const sum = (f: (l: (typeof orderLines)[number]) => Decimal.Value) =>
      orderLines.reduce((s, l) => s.plus(f(l)), new Decimal(0))
    const net = sum((l) => l.lineTotal).toFixed(2)
    const tax = sum((l) => l.taxAmount).toFixed(2)
    const total = new Decimal(net).plus(tax).toFixed(2)
    const [id] = await ids(k, 'orders', [
      {
        number: `R-${tag}-${i}`,
        customerId: cids[ci],
        partnerId: customers[ci]!.partnerId,
        warehouseId: wids[0],
        status,
        orderDate: date.toISOString(),
        subtotal: sum((l) => new Decimal(l.unitPrice).mul(l.quantity)).toFixed(2),
        discountTotal: sum((l) => l.discount).toFixed(2),
        taxTotal: tax,
        total,
      },
    ])
    orders.push({
      id: id!,
      customerId: cids[ci]!,
      partnerId: customers[ci]!.partnerId,
      status,
      orderDate: date.toISOString(),
      net,
      tax,
      total,
    })
    for (const l of orderLines) lines.push({ ...l, orderId: id! })
  }
  // straight into the table, so the order facts each line carries are written as the orders plugin would
  const orderOf = new Map(orders.map((o) => [o.id, o]))
  await k('order_lines').insert(
    lines.map((l) => {
      const o = orderOf.get(l.orderId)!
      return {
        ...l,
        listPrice: l.unitPrice,
        taxRate: 13,
        orderDate: o.orderDate,
        status: o.status,
        partnerId: o.partnerId,
        customerId: o.customerId,
      }
    }),
  )

  const asOf = Date.parse(`${AS_OF}T00:00:00Z`)
  const invStatuses = ['draft', 'issued', 'partially_paid', 'paid', 'void']
  const invoices: Scenario['invoices'] = []
  for (let i = 0; i < 30; i++) {
    const days = r.int(-20, 130)
    const dueDate = i === 0 ? null : new Date(asOf - days * 86_400_000).toISOString().slice(0, 10)
    const total = new Decimal(r.int(1000, 90000)).div(100)
    const status = r.pick(invStatuses)
    const amountPaid =
      status === 'partially_paid'
        ? total.div(3).toDecimalPlaces(2)
        : status === 'paid'
          ? total
          : new Decimal(0)
    const row = {
      number: `INV-${tag}-${i}`,
      customerId: cids[i % 3],
      partnerId: customers[i % 3]!.partnerId,
      status,
      issueDate: '2025-10-01',
      dueDate,
      subtotal: total.toFixed(2),
      total: total.toFixed(2),
      amountPaid: amountPaid.toFixed(2),
    }
    const [id] = await ids(k, 'invoices', [row])
    // what was paid is a payment allocated to the invoice (reports read invoices as of a date from the allocations)
    if (amountPaid.gt(0)) {
      const [paymentId] = await ids(k, 'payments', [
        {
          customerId: row.customerId,
          partnerId: row.partnerId,
          amount: row.amountPaid,
          method: 'bank_transfer',
          receivedAt: '2025-10-02T10:00:00Z',
          unallocated: '0.00',
        },
      ])
      await k('payment_allocations').insert({ paymentId, invoiceId: id, amount: row.amountPaid })
    }
    invoices.push({ id: id!, status, dueDate, total: row.total, amountPaid: row.amountPaid })
  }

  const stock: Scenario['stock'] = []
  for (const pr of products)
    for (const w of wids) stock.push({ productId: pr.id, warehouseId: w!, onHand: r.int(0, 200) })
  await k('stock_levels').insert(stock.map((s) => ({ ...s, reserved: 0 })))
  const movements: Scenario['movements'] = []
  for (const s of stock) {
    // recent shipment, an old one, a recent receipt (not outbound), or nothing
    const kind = r.pick(['recent', 'old', 'receipt', 'none'] as const)
    if (kind === 'none') continue
    const daysAgo = kind === 'old' ? 200 : r.int(1, 60)
    movements.push({
      productId: s.productId,
      warehouseId: s.warehouseId,
      kind: kind === 'receipt' ? 'receipt' : 'shipment',
      occurredAt: new Date(asOf - daysAgo * 86_400_000).toISOString(),
    })
  }
  if (movements.length)
    await k('stock_movements').insert(
      movements.map((m) => ({ ...m, quantity: m.kind === 'shipment' ? -1 : 1 })),
    )

  const tickets: Scenario['tickets'] = []
  for (let i = 0; i < 25; i++)
    tickets.push({ priority: r.pick(['low', 'normal', 'high', 'urgent']), slaBreached: r.next() < 0.3 })
  await k('tickets').insert(
    tickets.map((t, i) => ({
      number: `TK-${tag}-${i}`,
      customerId: cids[i % 3],
      subject: 'Help',
      channel: 'email',
      category: 'other',
      status: 'new',
      ...t,
    })),
  )

  const token = await p.login()
  const partnerUser = {
    email: `rep-${tag.toLowerCase()}@partner.test`,
    password: 'Partner-Secret-123',
    partnerId: pids[0]!,
  }
  const u = await p.http(
    'POST',
    '/api/users',
    {
      email: partnerUser.email,
      name: 'Partner user',
      password: partnerUser.password,
      roles: ['partner_user'],
      partnerId: partnerUser.partnerId,
      locale: 'en',
    },
    token,
  )
  if (u.status !== 201) throw new Error(`partner user → ${u.status} ${JSON.stringify(u.body)}`)

  return {
    partners: partners.map((x, i) => ({ id: pids[i]!, ...x })),
    territories: [
      { id: t1!, name: `North ${tag}` },
      { id: t2!, name: `South ${tag}` },
    ],
    customers: customers.map((c, i) => ({ id: cids[i]!, ...c })),
    categories: catNames.map((n, i) => ({ id: kids[i]!, name: n })),
    products,
    warehouses: whNames.map((n, i) => ({ id: wids[i]!, name: n })),
    campaigns: [{ id: camp!, name: `Spring ${tag}` }],
    promotions: promoIds.map((id) => ({ id, campaignId: camp! })),
    orders,
    lines,
    invoices,
    stock,
    movements,
    tickets,
    partnerUser,
  }
}

/** Sums of decimal strings. */
export const dsum = (xs: Array<string | number | Decimal>) =>
  xs.reduce<Decimal>((s, x) => s.plus(x), new Decimal(0))

/** Groups items by a key into a Map (insertion order). */
export function groupBy<T, K>(xs: T[], key: (x: T) => K): Map<K, T[]> {
  const m = new Map<K, T[]>()
  for (const x of xs) m.set(key(x), [...(m.get(key(x)) ?? []), x])
  return m
}
