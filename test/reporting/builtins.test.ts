import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { Decimal } from 'decimal.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AS_OF, buildScenario, dsum, groupBy, SOLD, type Scenario } from './fixtures.js'

let p: TestPlatform
let s: Scenario
let token: string

beforeAll(async () => {
  p = await startTestPlatform()
  s = await buildScenario(p, 'BI')
  token = await p.login()
})
afterAll(() => p?.close())

type Row = Record<string, unknown>
async function run(code: string, query = ''): Promise<{ rows: Row[]; body: Record<string, unknown> }> {
  const r = await p.http('GET', `/api/reports/${code}/run?asOf=${AS_OF}${query}`, undefined, token)
  expect(r.status, JSON.stringify(r.body)).toBe(200)
  return { rows: r.body.rows as Row[], body: r.body }
}
const money = (d: Decimal) => d.toFixed(2)
const byKey = (rows: Row[], key: string) => new Map(rows.map((r) => [r[key], r]))
const sold = () => s.orders.filter((o) => SOLD.has(o.status))
const soldLines = () => {
  const ok = new Set(sold().map((o) => o.id))
  return s.lines.filter((l) => ok.has(l.orderId))
}
const product = (id: number) => s.products.find((x) => x.id === id)!
/** The sales measures of a set of orders (grossSales = Σ total, tax = Σ taxTotal, netSales = Σ net line totals). */
const orderSales = (os: Scenario['orders']) => ({
  grossSales: money(dsum(os.map((o) => o.total))),
  tax: money(dsum(os.map((o) => o.tax))),
  netSales: money(dsum(os.map((o) => o.net))),
})
/** The same from lines: netSales = Σ lineTotal, tax = Σ taxAmount, grossSales = netSales + tax. */
const lineSales = (ls: Scenario['lines']) => ({
  netSales: money(dsum(ls.map((l) => l.lineTotal))),
  tax: money(dsum(ls.map((l) => l.taxAmount))),
  grossSales: money(dsum(ls.map((l) => l.lineTotal)).plus(dsum(ls.map((l) => l.taxAmount)))),
})

describe('built-in reports match figures computed independently', () => {
  it('lists every built-in as a builtIn definition', async () => {
    const r = await p.http('GET', '/api/report-definitions?builtIn=true&$limit=50', undefined, token)
    expect(r.status).toBe(200)
    expect((r.body.data as Row[]).map((d) => d.code).sort()).toEqual([
      'ar-aging',
      'campaign-results',
      'commission-statement',
      'margin-by-product',
      'sales-by-category',
      'sales-by-partner',
      'sales-by-period',
      'sales-by-product',
      'sales-by-territory',
      'sla-compliance',
      'slow-movers',
      'stock-valuation',
      'top-customers',
    ])
  })

  it('sales by period (month, quarter, date range)', async () => {
    const month = (iso: string) => iso.slice(0, 7)
    const expected = groupBy(sold(), (o) => month(o.orderDate))
    const { rows } = await run('sales-by-period')
    expect(rows.map((r) => r['orderDate:month'])).toEqual([...expected.keys()].sort())
    for (const r of rows) {
      const os = expected.get(r['orderDate:month'] as string)!
      expect(r).toEqual({
        'orderDate:month': r['orderDate:month'],
        orders: os.length,
        ...orderSales(os),
        averageNetSales: money(dsum(os.map((o) => o.net)).div(os.length)),
      })
    }
    const q = await run('sales-by-period', '&period=quarter&from=2025-04-01&to=2025-12-31')
    const inRange = sold().filter((o) => o.orderDate >= '2025-04-01' && o.orderDate < '2026-01-01')
    const quarter = (iso: string) =>
      `${iso.slice(0, 4)}-Q${Math.floor((Number(iso.slice(5, 7)) - 1) / 3) + 1}`
    const eq = groupBy(inRange, (o) => quarter(o.orderDate))
    expect(q.rows.map((r) => [r['orderDate:quarter'], r.orders, r.netSales])).toEqual(
      [...eq.keys()].sort().map((k) => [k, eq.get(k)!.length, money(dsum(eq.get(k)!.map((o) => o.net)))]),
    )
  })

  it('sales by partner, sorted by net sales', async () => {
    const { rows } = await run('sales-by-partner')
    const expected = groupBy(sold(), (o) => o.partnerId)
    expect(rows).toHaveLength(expected.size)
    for (const [pid, os] of expected) {
      const r = rows.find((x) => x.partnerId === pid)!
      expect(r.orders).toBe(os.length)
      expect(r).toMatchObject(orderSales(os))
      expect(r.partnerName).toBe(pid === null ? null : s.partners.find((x) => x.id === pid)!.name)
    }
    const revenues = rows.map((r) => Number(r.netSales))
    expect(revenues).toEqual([...revenues].sort((a, b) => b - a))
  })

  it('sales by product and by category (lines of sold orders only)', async () => {
    const lines = soldLines()
    const { rows } = await run('sales-by-product')
    const byProduct = groupBy(lines, (l) => l.productId)
    expect(rows).toHaveLength(byProduct.size)
    for (const [pid, ls] of byProduct) {
      expect(byKey(rows, 'productId').get(pid)).toEqual({
        productId: pid,
        sku: product(pid).sku,
        productName: product(pid).name,
        units: ls.reduce((n, l) => n + l.quantity, 0),
        ...lineSales(ls),
        orders: new Set(ls.map((l) => l.orderId)).size,
      })
    }
    const cat = await run('sales-by-category')
    const byCat = groupBy(lines, (l) => product(l.productId).categoryId)
    expect(cat.rows).toHaveLength(byCat.size)
    for (const [cid, ls] of byCat) {
      expect(byKey(cat.rows, 'categoryId').get(cid)).toEqual({
        categoryId: cid,
        categoryName: s.categories.find((c) => c.id === cid)!.name,
        units: ls.reduce((n, l) => n + l.quantity, 0),
        ...lineSales(ls),
      })
    }
  })

  it('"sales" is one set of measures: by product and by period agree on net sales, and gross − net = tax everywhere', async () => {
    const total = (rows: Row[], k: string) => money(dsum(rows.map((r) => r[k] as string)))
    const byPeriod = await run('sales-by-period', '&period=none')
    expect(byPeriod.rows).toHaveLength(1)
    const byProduct = await run('sales-by-product')
    const byCategory = await run('sales-by-category')
    for (const k of ['netSales', 'tax', 'grossSales']) {
      expect(total(byProduct.rows, k), k).toBe(byPeriod.rows[0]![k])
      expect(total(byCategory.rows, k), k).toBe(byPeriod.rows[0]![k])
    }
    // the same orders, counted independently: Σ net line totals, and net + tax = Σ order totals
    expect(byPeriod.rows[0]!.netSales).toBe(money(dsum(soldLines().map((l) => l.lineTotal))))
    expect(byPeriod.rows[0]!.grossSales).toBe(money(dsum(sold().map((o) => o.total))))
    expect(Number(byPeriod.rows[0]!.tax)).toBeGreaterThan(0)
    for (const code of [
      'sales-by-period',
      'sales-by-partner',
      'sales-by-product',
      'sales-by-category',
      'sales-by-territory',
      'top-customers',
      'campaign-results',
    ]) {
      const { rows, body } = await run(code)
      for (const r of rows)
        expect(money(new Decimal(r.grossSales as string).minus(r.netSales as string)), code).toBe(r.tax)
      const columns = body.columns as Array<{ key: string; label?: Record<string, string> }>
      expect(columns.find((c) => c.key === 'netSales')?.label, code).toEqual({
        en: 'Net sales (after discounts, before tax)',
        'zh-CN': '销售净额（折扣后、不含税）',
      })
      expect(columns.find((c) => c.key === 'grossSales')?.label, code).toEqual({
        en: 'Gross sales (with tax)',
        'zh-CN': '含税销售额',
      })
      expect(
        columns.some((c) => c.key === 'revenue'),
        code,
      ).toBe(false)
    }
  })

  it('sales by territory (through the partner)', async () => {
    const { rows } = await run('sales-by-territory')
    const territoryOf = (pid: number | null) =>
      pid === null ? null : s.partners.find((x) => x.id === pid)!.territoryId
    const expected = groupBy(sold(), (o) => territoryOf(o.partnerId))
    expect(rows).toHaveLength(expected.size)
    for (const [tid, os] of expected) {
      const r = byKey(rows, 'territoryId').get(tid)!
      expect([r.orders, r.netSales, r.tax, r.grossSales, r.territoryName]).toEqual([
        os.length,
        ...Object.values(orderSales(os)).reverse(),
        tid === null ? null : s.territories.find((t) => t.id === tid)!.name,
      ])
    }
  })

  it('margin = net sales − product.cost × quantity', async () => {
    const { rows } = await run('margin-by-product')
    for (const [pid, ls] of groupBy(soldLines(), (l) => l.productId)) {
      const revenue = dsum(ls.map((l) => l.lineTotal))
      const cost = dsum(ls.map((l) => new Decimal(product(pid).cost).mul(l.quantity)))
      const r = byKey(rows, 'productId').get(pid)!
      expect([r.netSales, r.cost, r.margin, r.marginPct]).toEqual([
        money(revenue),
        money(cost),
        money(revenue.minus(cost)),
        revenue.minus(cost).mul(100).div(revenue).toFixed(2),
      ])
    }
  })

  it('AR aging: current, 1–30, 31–60, 61–90, 90+ by due date', async () => {
    const asOf = Date.parse(`${AS_OF}T00:00:00Z`)
    const bucket = (due: string | null) => {
      if (due === null) return 'current'
      const days = Math.round((asOf - Date.parse(`${due}T00:00:00Z`)) / 86_400_000)
      return days <= 0 ? 'current' : days <= 30 ? '1-30' : days <= 60 ? '31-60' : days <= 90 ? '61-90' : '90+'
    }
    const open = s.invoices.filter((i) => i.status === 'issued' || i.status === 'partially_paid')
    const g = groupBy(open, (i): string => bucket(i.dueDate))
    const { rows } = await run('ar-aging')
    expect(rows.map((r) => r['dueDate:aging'])).toEqual(['current', '1-30', '31-60', '61-90', '90+'])
    for (const r of rows) {
      const is = g.get(r['dueDate:aging'] as string) ?? []
      const billed = dsum(is.map((i) => i.total))
      const paid = dsum(is.map((i) => i.amountPaid))
      expect(r).toEqual({
        'dueDate:aging': r['dueDate:aging'],
        invoices: is.length,
        billed: money(billed),
        paid: money(paid),
        credited: '0.00',
        outstanding: money(billed.minus(paid)),
      })
    }
  })

  it('stock valuation = onHand × cost, and slow movers have no shipment in 90 days', async () => {
    const { rows } = await run('stock-valuation')
    for (const [wid, ss] of groupBy(s.stock, (x) => x.warehouseId)) {
      expect(byKey(rows, 'warehouseId').get(wid)).toEqual({
        warehouseId: wid,
        warehouseName: s.warehouses.find((w) => w.id === wid)!.name,
        items: ss.length,
        onHand: ss.reduce((n, x) => n + x.onHand, 0),
        value: money(dsum(ss.map((x) => new Decimal(product(x.productId).cost).mul(x.onHand)))),
      })
    }
    const since = new Date(Date.parse(`${AS_OF}T00:00:00Z`) - 90 * 86_400_000).toISOString()
    const moved = (x: { productId: number; warehouseId: number }) =>
      s.movements.some(
        (m) =>
          m.productId === x.productId &&
          m.warehouseId === x.warehouseId &&
          m.kind === 'shipment' &&
          m.occurredAt >= since,
      )
    const slow = s.stock.filter((x) => x.onHand > 0 && !moved(x))
    const sm = await run('slow-movers')
    expect(sm.rows.map((r) => `${r.productId}/${r.warehouseId}`).sort()).toEqual(
      slow.map((x) => `${x.productId}/${x.warehouseId}`).sort(),
    )
    for (const r of sm.rows) {
      const x = slow.find((y) => y.productId === r.productId && y.warehouseId === r.warehouseId)!
      expect([r.onHand, r.value]).toEqual([
        x.onHand,
        money(new Decimal(product(x.productId).cost).mul(x.onHand)),
      ])
    }
    // a shorter window makes more items slow; it never makes fewer
    const shorter = await run('slow-movers', '&days=5')
    expect(shorter.rows.length).toBeGreaterThanOrEqual(sm.rows.length)
  })

  it('top customers: at most 10, by net sales', async () => {
    const { rows } = await run('top-customers')
    const g = [...groupBy(sold(), (o) => o.customerId)].map(([cid, os]) => ({
      customerId: cid,
      customerName: s.customers.find((c) => c.id === cid)!.name,
      orders: os.length,
      ...orderSales(os),
    }))
    g.sort((a, b) => Number(b.netSales) - Number(a.netSales))
    expect(rows).toEqual(g.slice(0, 10))
  })

  it('campaign results: lines with a promotion of the campaign', async () => {
    const { rows } = await run('campaign-results')
    const ls = soldLines().filter((l) => l.promotionId !== null)
    expect(rows).toEqual([
      {
        campaignId: s.campaigns[0]!.id,
        campaignName: s.campaigns[0]!.name,
        orders: new Set(ls.map((l) => l.orderId)).size,
        units: ls.reduce((n, l) => n + l.quantity, 0),
        ...lineSales(ls),
        discount: money(dsum(ls.map((l) => l.discount))),
      },
    ])
  })

  it('SLA compliance per priority', async () => {
    const { rows } = await run('sla-compliance')
    for (const [priority, ts] of groupBy(s.tickets, (t) => t.priority)) {
      const met = ts.filter((t) => !t.slaBreached).length
      expect(byKey(rows, 'priority').get(priority)).toEqual({
        priority,
        tickets: ts.length,
        met,
        breached: ts.length - met,
        compliancePct: new Decimal(met).mul(100).div(ts.length).toFixed(2),
      })
    }
  })

  it('commission statement says cleanly when commissions are not installed', async () => {
    const { body } = await run('commission-statement')
    if (!p.app.get('entities').has('commission')) {
      expect(body.available).toBe(false)
      expect(body.message).toMatch(/not available/)
      expect(body.rows).toEqual([])
    } else expect(body.available === true || /not available/.test(String(body.message))).toBe(true)
  })

  it('POST with extra filters narrows the figures', async () => {
    const partnerId = s.partners[0]!.id
    const r = await p.http('POST', '/api/reports/top-customers/run', { filters: { partnerId } }, token)
    expect(r.status).toBe(200)
    const mine = sold().filter((o) => o.partnerId === partnerId)
    expect(r.body.rows).toEqual([
      {
        customerId: s.customers[0]!.id,
        customerName: s.customers[0]!.name,
        orders: mine.length,
        ...orderSales(mine),
      },
    ])
  })
})
