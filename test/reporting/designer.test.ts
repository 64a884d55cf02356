import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { Decimal } from 'decimal.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildScenario, type OrderRow, type Scenario } from './fixtures.js'

// The report designer's server side (#17 item 5): previewing an unsaved definition with the caller's
// permissions, the chart a report is shown as, and dashboard layouts shared per role.
// PGlite by default; PostgreSQL with DATABASE_URL.
let p: TestPlatform
let s: Scenario
let admin: string
let partner: string

beforeAll(async () => {
  p = await startTestPlatform()
  s = await buildScenario(p, 'DS')
  admin = await p.login()
  partner = await p.login(s.partnerUser.email, s.partnerUser.password)
}, 400_000)
afterAll(() => p?.close())

type Row = Record<string, unknown>
/** count and Σ total per status of these orders, recomputed from the rows the scenario wrote. */
function byStatus(orders: OrderRow[]): Map<string, { count: number; total: string }> {
  const out = new Map<string, { count: number; total: Decimal }>()
  for (const o of orders) {
    const e = out.get(o.status) ?? { count: 0, total: new Decimal(0) }
    out.set(o.status, { count: e.count + 1, total: e.total.plus(o.total) })
  }
  return new Map([...out].map(([k, v]) => [k, { count: v.count, total: v.total.toFixed(2) }]))
}
const designed = () => ({
  entity: 'order',
  dimensions: ['status'],
  measures: [
    { fn: 'count', as: 'orders' },
    { fn: 'sum', field: 'total', as: 'total' },
  ],
  filters: { id: { $in: s.orders.map((o) => o.id) } },
  chart: 'bar',
})
const figures = (rows: Row[]) =>
  new Map(rows.map((r) => [String(r.status), { count: r.orders, total: r.total }]))

describe('POST /api/report-preview', () => {
  it('runs an unsaved definition: the figures equal the sums of the rows, money exact, nothing stored', async () => {
    const before = (await p.http('GET', '/api/reports?$limit=0', undefined, admin)).body.total as number
    const r = await p.http('POST', '/api/report-preview', { definition: designed() }, admin)
    expect(r.status).toBe(200)
    expect(figures(r.body.rows as Row[])).toEqual(byStatus(s.orders))
    expect((r.body.rows as Row[]).every((row) => typeof row.total === 'string')).toBe(true)
    expect((await p.http('GET', '/api/reports?$limit=0', undefined, admin)).body.total).toBe(before)
  })

  it("a partner user's preview counts only their partner's orders", async () => {
    const r = await p.http('POST', '/api/report-preview', { definition: designed() }, partner)
    expect(r.status).toBe(200)
    const theirs = s.orders.filter((o) => o.partnerId === s.partnerUser.partnerId)
    expect(theirs.length).toBeGreaterThan(0)
    expect(theirs.length).toBeLessThan(s.orders.length)
    expect(figures(r.body.rows as Row[])).toEqual(byStatus(theirs))
  })

  it('period grouping and run parameters apply; at most 200 rows', async () => {
    const r = await p.http(
      'POST',
      '/api/report-preview',
      {
        definition: { ...designed(), dimensions: ['orderDate:year'], chart: 'line' },
        params: { from: '2026-01-01', limit: 5000 },
      },
      admin,
    )
    expect(r.status).toBe(200)
    const in2026 = s.orders.filter((o) => o.orderDate >= '2026-01-01')
    expect(r.body.rows).toEqual([
      {
        'orderDate:year': '2026',
        orders: in2026.length,
        total: in2026.reduce((a, o) => a.plus(o.total), new Decimal(0)).toFixed(2),
      },
    ])
  })

  it('a bad definition or body is a 400 naming it; signed-out is 401', async () => {
    const bad = await p.http(
      'POST',
      '/api/report-preview',
      { definition: { ...designed(), measures: [{ fn: 'sum', field: 'status' }] } },
      admin,
    )
    expect(bad.status).toBe(400)
    expect(bad.body.message).toContain('/measures/0/field')
    const chart = await p.http(
      'POST',
      '/api/report-preview',
      { definition: { ...designed(), chart: 'radar' } },
      admin,
    )
    expect(chart.status).toBe(400)
    expect(chart.body.message).toContain('/chart')
    const extra = await p.http('POST', '/api/report-preview', { definition: designed(), sql: 'x' }, admin)
    expect(extra.status).toBe(400)
    expect(extra.body.message).toContain('sql')
    expect((await p.http('POST', '/api/report-preview', { params: {} }, admin)).status).toBe(400)
    expect((await p.http('POST', '/api/report-preview', { definition: designed() })).status).toBe(401)
  })
})

describe('the chart of a saved report', () => {
  it('is stored, read back and changed through api/reports (table by default)', async () => {
    const c = await p.http(
      'POST',
      '/api/reports',
      { code: 'ds-by-status', name: 'Orders by status', ...designed() },
      admin,
    )
    expect(c.status).toBe(201)
    expect(c.body.chart).toBe('bar')
    const patched = await p.http('PATCH', '/api/reports/ds-by-status', { chart: 'pie' }, admin)
    expect(patched.status).toBe(200)
    expect((await p.http('GET', '/api/reports/ds-by-status', undefined, admin)).body.chart).toBe('pie')
    const plain = await p.http(
      'POST',
      '/api/reports',
      { code: 'ds-plain', name: 'Plain', entity: 'order', measures: [{ fn: 'count' }] },
      admin,
    )
    expect(plain.body.chart).toBe('table')
    expect((await p.http('PATCH', '/api/reports/ds-plain', { chart: 'radar' }, admin)).status).toBe(400)
  })
})

describe('dashboard layouts per role', () => {
  let partnerLayout: number
  let adminLayout: number

  it('admins write a layout per role, audited; a bad card is a 400 naming it', async () => {
    const c = await p.http(
      'POST',
      '/api/dashboard-layouts',
      {
        role: 'partner_user',
        cards: [
          { kind: 'report', ref: 'ds-by-status', size: 2 },
          { kind: 'card', ref: 'orders-count', size: 1 },
        ],
      },
      admin,
    )
    if (c.status !== 201) {
      // the card id must be one api/meta lists: take the first one there
      const meta = (await p.http('GET', '/api/meta', undefined, admin)).body as { dashboard: Row[] }
      throw new Error(
        `layout → ${c.status} ${JSON.stringify(c.body)}; cards: ${meta.dashboard.map((d) => d.id)}`,
      )
    }
    partnerLayout = c.body.id as number
    const a = await p.http(
      'POST',
      '/api/dashboard-layouts',
      { role: 'admin', cards: [{ kind: 'report', ref: 'ds-plain', size: 4 }] },
      admin,
    )
    expect(a.status).toBe(201)
    adminLayout = a.body.id as number
    const bad = await p.http(
      'POST',
      '/api/dashboard-layouts',
      {
        role: 'sales_rep',
        cards: [
          { kind: 'card', ref: 'orders-count' },
          { kind: 'report', ref: 'nope' },
        ],
      },
      admin,
    )
    expect(bad.status).toBe(400)
    expect(bad.body.message).toContain('/cards/1/ref')
    const size = await p.http(
      'POST',
      '/api/dashboard-layouts',
      { role: 'sales_rep', cards: [{ kind: 'report', ref: 'ds-plain', size: 3 }] },
      admin,
    )
    expect(size.status).toBe(400)
    const moved = await p.http(
      'PATCH',
      `/api/dashboard-layouts/${partnerLayout}`,
      { cards: [{ kind: 'report', ref: 'ds-by-status', size: 4 }] },
      admin,
    )
    expect(moved.status).toBe(200)
    const trail = await p.http(
      'GET',
      `/api/audit?entity=dashboardLayout&recordId=${partnerLayout}&$sort[id]=1`,
      undefined,
      admin,
    )
    expect(trail.status).toBe(200)
    expect((trail.body.data as Row[]).map((x) => x.action)).toEqual(['create', 'patch'])
  })

  it('a partner user reads only the layout of their own role and cannot write one', async () => {
    const mine = await p.http('GET', '/api/dashboard-layouts', undefined, partner)
    expect(mine.status).toBe(200)
    expect((mine.body.data as Row[]).map((l) => l.role)).toEqual(['partner_user'])
    expect((await p.http('GET', `/api/dashboard-layouts/${adminLayout}`, undefined, partner)).status).toBe(
      404,
    )
    expect((await p.http('GET', '/api/dashboard-layouts?role=admin', undefined, partner)).body.data).toEqual(
      [],
    )
    expect(
      (await p.http('PATCH', `/api/dashboard-layouts/${partnerLayout}`, { cards: [] }, partner)).status,
    ).toBe(403)
    expect(
      (await p.http('POST', '/api/dashboard-layouts', { role: 'partner_admin', cards: [] }, partner)).status,
    ).toBe(403)
  })

  it("the cards run under the viewer's permissions: the partner's report card shows their rows only", async () => {
    const layout = (await p.http('GET', `/api/dashboard-layouts/${partnerLayout}`, undefined, partner)).body
    const code = (layout.cards as Array<{ ref: string }>)[0]!.ref
    const r = await p.http('GET', `/api/reports/${code}/run`, undefined, partner)
    expect(r.status).toBe(200)
    // the card needs no read of the definition (api/reports is for admins): the run names and draws it
    expect(r.body.report).toMatchObject({ code: 'ds-by-status', name: 'Orders by status', chart: 'pie' })
    const theirs = s.orders.filter((o) => o.partnerId === s.partnerUser.partnerId)
    expect(figures(r.body.rows as Row[])).toEqual(byStatus(theirs))
    expect((await p.http('GET', `/api/reports/${code}`, undefined, partner)).status).toBe(403)
  })
})
