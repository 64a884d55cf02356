import {
  FILE_EVENT,
  NOTIFICATIONS_TABLE,
  runScheduledReports,
  type ScheduledRun,
} from '@plume/plugin-reporting'
import { readAccess } from '@plume/core'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildScenario, dsum, SOLD, type Scenario } from './fixtures.js'

let p: TestPlatform
let s: Scenario
let admin: string
let partner: string

beforeAll(async () => {
  p = await startTestPlatform()
  s = await buildScenario(p, 'AP')
  admin = await p.login()
  partner = await p.login(s.partnerUser.email, s.partnerUser.password)
})
afterAll(() => p?.close())

type Row = Record<string, unknown>
const define = (body: unknown, token = admin) => p.http('POST', '/api/reports', body, token)
const base = { name: 'Test', entity: 'order', measures: [{ fn: 'count' }] }

describe('definitions are checked when saved', () => {
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['unknown entity', { entity: 'ordr' }, /\/entity unknown entity "ordr"/],
    ['unknown field', { dimensions: ['partnerID'] }, /\/dimensions\/0 unknown field "partnerID" on order/],
    ['unknown relation', { dimensions: ['supplier.name'] }, /unknown relation "supplier" on order/],
    ['hasMany relation', { dimensions: ['lines.quantity'] }, /relation "lines" on order is hasMany/],
    [
      'unknown field through a relation',
      { dimensions: ['partner.colour'] },
      /unknown field "colour" on partner/,
    ],
    ['period of a non-date', { dimensions: ['status:month'] }, /"status" is not a date field/],
    ['not a period', { dimensions: ['orderDate:fortnight'] }, /"fortnight" is not a period/],
    [
      'sum of text',
      { measures: [{ fn: 'sum', field: 'status' }] },
      /sum needs a number or money field; "status"/,
    ],
    [
      'unknown measure field',
      { measures: [{ fn: 'sum', field: 'totl' }] },
      /\/measures\/0\/field unknown field "totl"/,
    ],
    [
      'formula of an unknown measure',
      {
        measures: [
          { fn: 'count', as: 'n' },
          { formula: 'n / m', as: 'r' },
        ],
      },
      /"m" is not a measure listed before/,
    ],
    [
      'bad formula',
      {
        measures: [
          { fn: 'count', as: 'n' },
          { formula: 'n +', as: 'r' },
        ],
      },
      /\/measures\/1\/formula ends too early/,
    ],
    ['unknown filter field', { filters: { stauts: 'closed' } }, /\/filters\/stauts unknown field "stauts"/],
    [
      'bad filter operator',
      { filters: { total: { $between: 1 } } },
      /\/filters\/total\/\$between is not a supported operator/,
    ],
    ['bad filter value', { filters: { partnerId: 'abc' } }, /\/filters\/partnerId must be an integer/],
    [
      'sort by a non-column',
      { filters: { $sort: { revenue: -1 } } },
      /"revenue" is not a dimension or measure/,
    ],
    ['bad schedule', { schedule: '61 * * * *' }, /\/schedule "61" is out of range for minute/],
    ['unknown property', { colour: 'red' }, /unknown property "colour"/],
  ]
  for (const [what, patch, message] of cases) {
    it(`400: ${what}`, async () => {
      const r = await define({ ...base, code: `bad-${what.replace(/\W+/g, '-')}`.slice(0, 32), ...patch })
      expect(r.status, JSON.stringify(r.body)).toBe(400)
      expect(r.body.message).toMatch(message)
      expect(r.body.errors?.length ?? r.body.data?.errors?.length).toBeGreaterThan(0)
    })
  }

  it('stores a valid definition, gets it by code, runs it', async () => {
    const r = await define({
      code: 'orders-by-status',
      name: 'Orders by status',
      entity: 'order',
      dimensions: ['status'],
      measures: [
        { fn: 'count', as: 'orders' },
        { fn: 'sum', field: 'total', as: 'value' },
      ],
    })
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    expect(r.body.builtIn).toBe(false)
    expect((await p.http('GET', '/api/reports/orders-by-status', undefined, admin)).body.id).toBe(r.body.id)
    const run = await p.http('GET', `/api/reports/${r.body.id}/run`, undefined, admin)
    expect(run.status).toBe(200)
    const closed = s.orders.filter((o) => o.status === 'closed')
    expect((run.body.rows as Row[]).find((x) => x.status === 'closed')).toEqual({
      status: 'closed',
      orders: closed.length,
      value: dsum(closed.map((o) => o.total)).toFixed(2),
    })
  })

  it('checks definitions written through /api/report-definitions too', async () => {
    const bad = await p.http(
      'POST',
      '/api/report-definitions',
      {
        code: 'generic-bad',
        name: 'X',
        entity: 'order',
        dimensions: ['partner.nme'],
        measures: [{ field: 'total', aggregate: 'sum' }],
      },
      admin,
    )
    expect(bad.status).toBe(400)
    expect(bad.body.message).toMatch(/unknown field "nme" on partner/)
    const ok = await p.http(
      'POST',
      '/api/report-definitions',
      {
        code: 'generic-ok',
        name: 'X',
        entity: 'order',
        dimensions: ['partnerId'],
        measures: [{ field: 'total', aggregate: 'sum' }],
      },
      admin,
    )
    expect(ok.status, JSON.stringify(ok.body)).toBe(201)
    const run = await p.http('GET', '/api/reports/generic-ok/run', undefined, admin)
    expect(run.body.columns.map((c: Row) => c.key)).toEqual(['partnerId', 'sumTotal'])
  })

  it('built-in reports keep their query: 403 on changing it or removing them', async () => {
    const bi = (await p.http('GET', '/api/reports/sales-by-partner', undefined, admin)).body
    expect(
      (await p.http('PATCH', '/api/reports/sales-by-partner', { dimensions: ['status'] }, admin)).status,
    ).toBe(403)
    expect((await p.http('PATCH', `/api/report-definitions/${bi.id}`, { filters: {} }, admin)).status).toBe(
      403,
    )
    expect((await p.http('DELETE', '/api/reports/sales-by-partner', undefined, admin)).status).toBe(403)
    expect((await p.http('DELETE', `/api/report-definitions/${bi.id}`, undefined, admin)).status).toBe(403)
    const renamed = await p.http('PATCH', '/api/reports/sales-by-partner', { name: 'Partner sales' }, admin)
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200)
  })

  it('refuses bad run parameters', async () => {
    expect(
      (await p.http('GET', '/api/reports/sales-by-period/run?from=yesterday', undefined, admin)).status,
    ).toBe(400)
    expect(
      (await p.http('GET', '/api/reports/sales-by-period/run?period=fortnight', undefined, admin)).status,
    ).toBe(400)
    expect(
      (await p.http('GET', '/api/reports/sales-by-period/run?colour=red', undefined, admin)).status,
    ).toBe(400)
    expect((await p.http('GET', '/api/reports/no-such-report/run', undefined, admin)).status).toBe(404)
    expect((await p.http('GET', '/api/reports/sales-by-period/run')).status).toBe(401)
  })
})

describe('row and field permissions', () => {
  it('a partner user sees only their partner’s figures', async () => {
    const all = (await p.http('GET', '/api/reports/sales-by-partner/run', undefined, admin)).body
      .rows as Row[]
    const mine = await p.http('GET', '/api/reports/sales-by-partner/run', undefined, partner)
    expect(mine.status).toBe(200)
    const own = s.orders.filter((o) => SOLD.has(o.status) && o.partnerId === s.partnerUser.partnerId)
    expect(mine.body.rows).toEqual([
      {
        partnerId: s.partnerUser.partnerId,
        partnerName: s.partners[0]!.name,
        orders: own.length,
        grossSales: dsum(own.map((o) => o.total)).toFixed(2),
        tax: dsum(own.map((o) => o.tax)).toFixed(2),
        netSales: dsum(own.map((o) => o.net)).toFixed(2),
      },
    ])
    const total = (rows: Row[]) => dsum(rows.map((r) => r.netSales as string))
    expect(total(mine.body.rows as Row[]).lt(total(all))).toBe(true)
    // period figures too, and a filter cannot widen the scope
    const period = await p.http(
      'POST',
      '/api/reports/sales-by-period/run',
      { filters: { partnerId: s.partners[1]!.id } },
      partner,
    )
    expect(period.body.rows).toEqual([])
    const top = (await p.http('GET', '/api/reports/top-customers/run', undefined, partner)).body.rows as Row[]
    expect(top.map((r) => r.customerId)).toEqual([s.customers[0]!.id])
  })

  it('a hidden field as a measure or dimension is 403, in a filter it is unknown (400)', async () => {
    const made = await define({
      code: 'product-cost',
      name: 'Cost by category',
      entity: 'product',
      dimensions: ['categoryId'],
      measures: [{ fn: 'sum', field: 'cost', as: 'cost' }],
    })
    expect(made.status).toBe(201)
    const r = await p.http('GET', '/api/reports/product-cost/run', undefined, partner)
    expect(r.status).toBe(403)
    expect(r.body.message).toMatch(/product\.cost/)
    expect((await p.http('GET', '/api/reports/product-cost/run', undefined, admin)).status).toBe(200)
    const filt = await p.http('POST', '/api/reports/product-count/run', {}, partner)
    expect(filt.status).toBe(404)
    await define({
      code: 'product-count',
      name: 'Products',
      entity: 'product',
      dimensions: ['categoryId'],
      measures: [{ fn: 'count', as: 'products' }],
    })
    const f = await p.http(
      'POST',
      '/api/reports/product-count/run',
      { filters: { cost: { $gt: 1 } } },
      partner,
    )
    expect(f.status).toBe(400)
    expect(f.body.message).toMatch(/unknown field "cost"/)
    expect(
      (await p.http('POST', '/api/reports/product-count/run', { filters: { cost: { $gt: 1 } } }, admin))
        .status,
    ).toBe(200)
  })

  it('an entity the caller may not read is 403 (partner users have no tickets)', async () => {
    const r = await p.http('GET', '/api/reports/sla-compliance/run', undefined, partner)
    expect(r.status).toBe(403)
    expect(r.body.message).toMatch(/ticket/)
  })

  it('readAccess: the core’s decision for code that reads the database itself', async () => {
    const user = await p.db.knex('users').where('email', s.partnerUser.email).first()
    const external = { provider: 'rest', user }
    const lines = await readAccess(p.app, external, 'orderLine')
    expect(lines.allowed).toBe(true)
    const visible = (await p.db.knex('order_lines').where(lines.scope!).select('partnerId')) as Row[]
    expect(visible.length).toBeGreaterThan(0)
    expect(visible.every((l) => l.partnerId === s.partnerUser.partnerId)).toBe(true)
    expect((await readAccess(p.app, external, 'product')).hidden.has('cost')).toBe(true)
    const tickets = await readAccess(p.app, external, 'ticket')
    expect(tickets).toMatchObject({ allowed: false })
    expect(tickets.reason).toMatch(/ticket/)
    expect(await readAccess(p.app, { provider: 'rest' }, 'order')).toMatchObject({ allowed: false })
    const internal = await readAccess(p.app, {}, 'orderLine')
    expect([internal.allowed, internal.scope, internal.hidden.size]).toEqual([true, undefined, 0])
  })

  it('line reports give a partner user their own lines only', async () => {
    const own = new Set(
      s.orders.filter((o) => SOLD.has(o.status) && o.partnerId === s.partnerUser.partnerId).map((o) => o.id),
    )
    const lines = s.lines.filter((l) => own.has(l.orderId))
    expect(lines.length).toBeGreaterThan(0)
    const r = await p.http('GET', '/api/reports/sales-by-product/run', undefined, partner)
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    const expected = [...new Set(lines.map((l) => l.productId))].map((id) => {
      const ls = lines.filter((l) => l.productId === id)
      return {
        productId: id,
        units: ls.reduce((n, l) => n + l.quantity, 0),
        netSales: dsum(ls.map((l) => l.lineTotal)).toFixed(2),
        orders: new Set(ls.map((l) => l.orderId)).size,
      }
    })
    const got = (r.body.rows as Row[]).map((x) => ({
      productId: x.productId,
      units: x.units,
      netSales: x.netSales,
      orders: x.orders,
    }))
    expect(got.sort((a, b) => Number(a.productId) - Number(b.productId))).toEqual(
      expected.sort((a, b) => a.productId - b.productId),
    )
    // a filter cannot widen it, and the category report agrees
    const other = await p.http(
      'POST',
      '/api/reports/sales-by-product/run',
      { filters: { partnerId: s.partners[1]!.id } },
      partner,
    )
    expect(other.body.rows).toEqual([])
    const cat = await p.http('GET', '/api/reports/sales-by-category/run', undefined, partner)
    expect(cat.status).toBe(200)
    expect(dsum((cat.body.rows as Row[]).map((x) => x.netSales as string)).toFixed(2)).toBe(
      dsum(lines.map((l) => l.lineTotal)).toFixed(2),
    )
    // margin needs product.cost, which partner users do not see
    const margin = await p.http('GET', '/api/reports/margin-by-product/run', undefined, partner)
    expect(margin.status).toBe(403)
    expect(margin.body.message).toMatch(/product\.cost/)
  })

  it('order lines over the API: a partner user lists their own partner’s lines only', async () => {
    const mine = s.lines.filter(
      (l) => s.orders.find((o) => o.id === l.orderId)!.partnerId === s.partnerUser.partnerId,
    )
    const r = await p.http('GET', '/api/order-lines?$limit=500', undefined, partner)
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    expect(r.body.total).toBe(mine.length)
    expect((r.body.data as Row[]).every((l) => l.partnerId === s.partnerUser.partnerId)).toBe(true)
    const foreign = s.lines.find(
      (l) => s.orders.find((o) => o.id === l.orderId)!.partnerId !== s.partnerUser.partnerId,
    )!
    const id = (
      (await p.db.knex('order_lines').where({ orderId: foreign.orderId }).first('id')) as { id: number }
    ).id
    expect((await p.http('GET', `/api/order-lines/${id}`, undefined, partner)).status).toBe(404)
    expect(
      (await p.http('GET', `/api/order-lines?partnerId=${s.partners[1]!.id}`, undefined, partner)).body.total,
    ).toBe(0)
  })

  it('joined entities are limited to the caller’s rows too', async () => {
    // a service agent reads every order; give them only reseller partners: distributor names stay hidden
    const rule = {
      name: 'agent-resellers',
      effect: 'allow',
      entities: ['partner'],
      actions: ['find'],
      conditions: { all: [{ fact: 'user', path: '$.roles', operator: 'contains', value: 'service_agent' }] },
      row: { kind: 'reseller' },
    }
    const made = await p.http('POST', '/api/rules', { definition: rule }, admin)
    expect(made.status, JSON.stringify(made.body)).toBe(201)
    const u = await p.http(
      'POST',
      '/api/users',
      {
        email: 'agent@test.local',
        name: 'Agent',
        password: 'Agent-Secret-123',
        roles: ['service_agent'],
        locale: 'en',
      },
      admin,
    )
    expect(u.status, JSON.stringify(u.body)).toBe(201)
    const analyst = await p.login('agent@test.local', 'Agent-Secret-123')
    const r = await p.http('GET', '/api/reports/sales-by-partner/run', undefined, analyst)
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    const rows = r.body.rows as Row[]
    expect(rows.every((x) => x.partnerName === null)).toBe(true)
    expect(dsum(rows.map((x) => x.grossSales as string)).toFixed(2)).toBe(
      dsum(s.orders.filter((o) => SOLD.has(o.status)).map((o) => o.total)).toFixed(2),
    )
  })
})

describe('pre-aggregation', () => {
  it('grouping lines by their join keys first gives the same figures as joining every line', async () => {
    const measures = [
      { fn: 'count', as: 'lines' },
      { fn: 'count', field: 'product.cost', as: 'costed' },
      { fn: 'sum', field: 'quantity', as: 'units' },
      { fn: 'sum', field: 'quantity', times: 'product.cost', as: 'cost' },
      { fn: 'sum', field: 'product.cost', as: 'costSum' },
      { fn: 'sum', field: 'lineTotal', where: { status: 'closed' }, as: 'closedRevenue' },
      { fn: 'min', field: 'product.cost', as: 'minCost' },
      { fn: 'max', field: 'quantity', where: { promotionId: { $ne: null } }, as: 'maxPromoQty' },
      { fn: 'avg', field: 'lineTotal', as: 'avgLine' },
      { fn: 'countDistinct', field: 'product.categoryId', as: 'categories' },
      { formula: 'cost * 100 / units', as: 'costPerUnit', decimals: 3 },
    ]
    const filters = {
      status: { $in: [...SOLD] },
      'product.cost': { $gt: '1.00' },
      $or: [{ quantity: { $gte: 2 } }, { promotionId: { $ne: null } }],
    }
    const dims = [{ field: 'product.categoryId', as: 'categoryId' }, 'partnerId', 'orderDate:quarter']
    const made = await define({
      code: 'preagg',
      name: 'Pre-aggregated',
      entity: 'orderLine',
      dimensions: dims,
      measures,
      filters,
    })
    expect(made.status, JSON.stringify(made.body)).toBe(201)
    // a distinct count of a line field cannot be split: the whole query stays one level
    const plain = await define({
      code: 'preagg-plain',
      name: 'Plain',
      entity: 'orderLine',
      dimensions: dims,
      measures: [...measures, { fn: 'countDistinct', field: 'orderId', as: 'orders' }],
      filters,
    })
    expect(plain.status, JSON.stringify(plain.body)).toBe(201)
    const a = await p.http('POST', '/api/reports/preagg/run', { from: '2025-03-01', to: '2026-02-28' }, admin)
    const b = await p.http(
      'POST',
      '/api/reports/preagg-plain/run',
      { from: '2025-03-01', to: '2026-02-28' },
      admin,
    )
    expect(a.status, JSON.stringify(a.body)).toBe(200)
    expect((a.body.rows as Row[]).length).toBeGreaterThan(3)
    expect(a.body.rows).toEqual((b.body.rows as Row[]).map(({ orders: _o, ...r }) => r))
  })
})

describe('exports', () => {
  it('CSV: a download with the same figures', async () => {
    const json = (await p.http('GET', '/api/reports/sales-by-partner/run', undefined, admin)).body
    const res = await fetch(`${p.url}/api/reports/sales-by-partner/run?format=csv`, {
      headers: { authorization: `Bearer ${admin}` },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/)
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="sales-by-partner-\d{8}-\d{4}\.csv"$/,
    )
    const text = (await res.text()).replace(/^\uFEFF/, '')
    const lines = text.trimEnd().split('\r\n')
    expect(lines[0]).toBe('partnerId,partnerName,orders,grossSales,tax,netSales')
    expect(lines.slice(1)).toEqual(
      (json.rows as Row[]).map((r) =>
        [r.partnerId ?? '', r.partnerName ?? '', r.orders, r.grossSales, r.tax, r.netSales].join(','),
      ),
    )
  })

  it('XLSX: a workbook with a header row and numbers', async () => {
    const json = (await p.http('GET', '/api/reports/top-customers/run', undefined, admin)).body
    const res = await fetch(`${p.url}/api/reports/top-customers/run?format=xlsx`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: '{}',
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    )
    expect(res.headers.get('content-disposition')).toMatch(/filename="top-customers-.*\.xlsx"/)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer)
    const ws = wb.worksheets[0]!
    expect(ws.name).toBe('top-customers')
    expect(ws.getRow(1).values).toEqual([
      undefined,
      'customerId',
      'customerName',
      'orders',
      'grossSales',
      'tax',
      'netSales',
    ])
    const rows = json.rows as Row[]
    expect(ws.rowCount).toBe(rows.length + 1)
    rows.forEach((r, i) =>
      expect(ws.getRow(i + 2).values).toEqual([
        undefined,
        r.customerId,
        r.customerName,
        r.orders,
        Number(r.grossSales),
        Number(r.tax),
        Number(r.netSales),
      ]),
    )
  })

  it('refuses an unknown format', async () => {
    expect((await p.http('GET', '/api/reports/top-customers/run?format=pdf', undefined, admin)).status).toBe(
      400,
    )
  })
})

describe('scheduled reports', () => {
  it('produce a file and a notification once per fire time', async () => {
    const made = await define({
      code: 'hourly-sales',
      name: 'Hourly sales',
      entity: 'order',
      dimensions: ['status'],
      measures: [{ fn: 'count', as: 'orders' }],
      schedule: '0 * * * *',
    })
    expect(made.status).toBe(201)
    const events: ScheduledRun[] = []
    p.app.on(FILE_EVENT, (e: ScheduledRun) => events.push(e))
    const now = new Date(Date.now() + 2 * 3_600_000)
    const runs = await runScheduledReports(p.app, now)
    const mine = runs.filter((r) => r.code === 'hourly-sales')
    expect(mine).toHaveLength(1)
    expect(mine[0]!.scheduledFor).toBe(
      new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000).toISOString(),
    )
    expect(mine[0]!.rows).toBe(new Set(s.orders.map((o) => o.status)).size)
    expect(events.map((e) => e.code)).toContain('hourly-sales')
    // the same slot again: nothing new
    expect((await runScheduledReports(p.app, now)).filter((r) => r.code === 'hourly-sales')).toEqual([])
    const notes = (await p.db.knex(NOTIFICATIONS_TABLE).where('reportCode', 'hourly-sales')) as Row[]
    expect(notes).toHaveLength(1)
    expect(notes[0]!.message).toMatch(/is ready/)
    const list = await p.http('GET', '/api/report-files?reportCode=hourly-sales', undefined, admin)
    expect(list.status).toBe(200)
    expect(list.body.data).toHaveLength(1)
    const file = await fetch(`${p.url}/api/report-files/${list.body.data[0].id}`, {
      headers: { authorization: `Bearer ${admin}` },
    })
    expect(file.status).toBe(200)
    expect(file.headers.get('content-disposition')).toMatch(/hourly-sales-.*\.xlsx/)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(Buffer.from(await file.arrayBuffer()) as unknown as ArrayBuffer)
    expect(wb.worksheets[0]!.rowCount).toBe(mine[0]!.rows! + 1)
    // partners may not list the files
    expect((await p.http('GET', '/api/report-files', undefined, partner)).status).toBe(403)
  })
})
