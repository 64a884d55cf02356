import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { Decimal } from 'decimal.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildScenario, SOLD, type OrderRow, type Scenario } from './fixtures.js'

// GET /api/aggregates: figures computed in the database with the caller's permissions (PGlite; PostgreSQL with DATABASE_URL)
let p: TestPlatform
let s: Scenario
let admin: string
let partner: string

beforeAll(async () => {
  p = await startTestPlatform()
  s = await buildScenario(p, 'AG')
  admin = await p.login()
  partner = await p.login(s.partnerUser.email, s.partnerUser.password)
})
afterAll(() => p?.close())

type Row = Record<string, unknown>
const mine = (o: OrderRow) => s.orders.some((x) => x.id === o.id)
const get = (query: Record<string, string>, token = admin) =>
  p.http('GET', `/api/aggregates?${new URLSearchParams(query).toString()}`, undefined, token)
/** count and net (total − tax) per key, recomputed from the rows the scenario wrote. */
function expected(
  orders: OrderRow[],
  key: (o: OrderRow) => string,
): Map<string, { count: number; net: string; total: string }> {
  const out = new Map<string, { count: number; net: Decimal; total: Decimal }>()
  for (const o of orders) {
    const e = out.get(key(o)) ?? { count: 0, net: new Decimal(0), total: new Decimal(0) }
    out.set(key(o), {
      count: e.count + 1,
      net: e.net.plus(o.total).minus(o.tax),
      total: e.total.plus(o.total),
    })
  }
  return new Map(
    [...out].map(([k, v]) => [k, { count: v.count, net: v.net.toFixed(2), total: v.total.toFixed(2) }]),
  )
}
const ours = (filter: Row) => ({ ...filter, id: { $in: s.orders.map((o) => o.id) } })

describe('GET /api/aggregates', () => {
  it('counts and sums per status equal the sums of the rows', async () => {
    const r = await get({
      entity: 'order',
      measure: 'count,sum:total-taxTotal',
      groupBy: 'status',
      filters: JSON.stringify(ours({})),
    })
    expect(r.status).toBe(200)
    const want = expected(s.orders, (o) => o.status)
    const got = new Map(
      (r.body.rows as Row[]).map((row) => [
        String(row.status),
        { count: row.count, net: row.sumTotalMinusTaxTotal, total: row.sumTotal },
      ]),
    )
    expect(got).toEqual(want)
  })

  it('buckets by month on the date field and applies filters', async () => {
    const sold = [...SOLD]
    const r = await get({
      entity: 'order',
      measure: 'sum:total',
      period: 'month',
      dateField: 'orderDate',
      filters: JSON.stringify(ours({ status: { $in: sold } })),
    })
    expect(r.status).toBe(200)
    const want = expected(
      s.orders.filter((o) => SOLD.has(o.status)),
      (o) => o.orderDate.slice(0, 7),
    )
    const got = new Map((r.body.rows as Row[]).map((row) => [String(row['orderDate:month']), row.sumTotal]))
    expect(got).toEqual(new Map([...want].map(([k, v]) => [k, v.total])))
  })

  it('sorts and limits for a top-N card', async () => {
    const r = await get({
      entity: 'order',
      measure: 'sum:total-taxTotal',
      groupBy: 'customerId',
      sort: '-sumTotalMinusTaxTotal',
      limit: '2',
      filters: JSON.stringify(ours({})),
    })
    expect(r.status).toBe(200)
    const want = [...expected(s.orders, (o) => String(o.customerId))]
      .sort((a, b) => new Decimal(b[1].net).cmp(a[1].net))
      .slice(0, 2)
    expect((r.body.rows as Row[]).map((row) => [String(row.customerId), row.sumTotalMinusTaxTotal])).toEqual(
      want.map(([k, v]) => [k, v.net]),
    )
  })

  it("a partner user gets only their own partner's figures", async () => {
    const r = await get({ entity: 'order', measure: 'count,sum:total', groupBy: 'partnerId' }, partner)
    expect(r.status).toBe(200)
    const theirs = s.orders.filter((o) => o.partnerId === s.partnerUser.partnerId && mine(o))
    expect(theirs.length).toBeGreaterThan(0)
    expect(r.body.rows).toEqual([
      {
        partnerId: s.partnerUser.partnerId,
        count: theirs.length,
        sumTotal: expected(theirs, () => 'all').get('all')!.total,
      },
    ])
  })

  it('answers 400 naming a bad measure, field, entity or period', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ entity: 'order', measure: 'median:total' }, 'median:total'],
      [{ entity: 'order', measure: 'sum:colour' }, 'colour'],
      [{ entity: 'order', groupBy: 'partnerID' }, 'partnerID'],
      [{ entity: 'ordr' }, 'ordr'],
      [{ entity: 'order', period: 'fortnight', dateField: 'orderDate' }, 'period'],
      [{ entity: 'order', measure: 'sum:total;drop table orders' }, 'measure'],
    ]
    for (const [query, named] of cases) {
      const r = await get(query)
      expect(r.status, JSON.stringify(query)).toBe(400)
      expect(r.body.message).toContain(named)
      expect(JSON.stringify(r.body)).not.toMatch(/select |stack/i)
    }
  })

  it('needs a login', async () => {
    expect((await p.http('GET', '/api/aggregates?entity=order')).status).toBe(401)
  })
})
