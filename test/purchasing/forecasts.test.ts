/**
 * Stored demand forecasts (issue #20): the weekly job on the platform's queue computes and stores
 * a forecast per product × warehouse once across instances; replenishment reads the stored ones and
 * recomputes only the stale or missing; buyers recompute on demand; partners see none of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { JobQueue } from '@plume/core/internal'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { bizFixture, created, expectStatus, type Api, type BizFixture } from '../marketing/fixtures.js'
import { jobsOf, quietBackground } from '../automation/helpers.js'
import { scheduleForecasts } from '../../plugins/purchasing/src/forecasts/job.js'
import { buyerClient, shipmentHistory, suppliedProduct, userClient, WEEK_MS } from './helpers.js'

let p: TestPlatform
let f: BizFixture
let buyer: Api
let partner: Api
let productId: number

beforeAll(async () => {
  quietBackground()
  p = await startTestPlatform()
  f = await bizFixture(p, 'FC')
  const supplierId = await created(f.api, '/api/suppliers', {
    code: 'SUP-FC',
    name: 'Forecast supplier',
    leadTimeDays: 14,
  })
  productId = await suppliedProduct(f, supplierId, 'FC-STEADY', { leadTimeDays: 14, onHand: 20 })
  // two years of 10 units a week
  await shipmentHistory(p.db.knex, productId, f.warehouseId, new Array<number>(104).fill(10))
  buyer = await buyerClient(p, 'buyer-fc@test.local')
  partner = await userClient(p, f, 'partner-fc@test.local', ['partner_user'], f.partnerId)
}, 400_000)
afterAll(async () => p?.close())

const stored = async () =>
  (
    await expectStatus(
      buyer,
      200,
      'GET',
      `/api/demand-forecasts?productId=${productId}&warehouseId=${f.warehouseId}`,
    )
  ).data as Array<Record<string, unknown>>
const suggestion = async () =>
  (
    await expectStatus(
      buyer,
      200,
      'GET',
      `/api/replenishment?warehouseId=${f.warehouseId}&all=true&$limit=500`,
    )
  ).data.find((s: { productId: number }) => s.productId === productId)

describe('stored forecasts', () => {
  it('the weekly job runs once across two instances and stores method, horizon, interval, MASE/WAPE and when', async () => {
    expect(await stored()).toHaveLength(0)
    const jobs = jobsOf(p)
    // a second instance on the same database: its own queue and schedule
    const other = new JobQueue(p.db.knex)
    const stopOther = scheduleForecasts(other, p.db.knex)
    try {
      const now = new Date()
      expect(await jobs.maintenance.run(now)).toContain('purchasing.forecasts')
      expect(await other.maintenance.run(now)).toContain('purchasing.forecasts')
      const ran = (await jobs.drain()) + (await other.drain())
      const runs = await p.db.knex('plume_jobs').where('name', 'purchasing.forecasts')
      expect(runs).toHaveLength(1)
      expect(ran).toBe(1)
      expect(runs[0]).toMatchObject({ status: 'done' })
    } finally {
      stopOther()
    }
    const [row] = await stored()
    const thisWeek = new Date(Math.floor(Date.now() / WEEK_MS) * WEEK_MS).toISOString()
    expect(row).toMatchObject({
      productId,
      warehouseId: f.warehouseId,
      horizon: 13,
      historyEnd: thisWeek,
      intervalLevel: 0.9,
    })
    expect(typeof row!.method).toBe('string')
    expect(row!.demandClass).toBe('smooth')
    expect(row!.forecast).toHaveLength(13)
    expect((row!.forecast as number[]).every((v) => Math.abs(v - 10) < 1e-6)).toBe(true)
    expect(row!.lower).toHaveLength(13)
    expect(row!.upper).toHaveLength(13)
    expect(row!).toHaveProperty('mase')
    expect(row!.wape).toBe(0)
    expect(Date.parse(row!.computedAt as string)).toBeGreaterThan(Date.now() - 600_000)
    // clients never write forecasts: the job does
    expect((await f.api('DELETE', `/api/demand-forecasts/${row!.id}`)).status).toBe(405)
  })

  it('replenishment reads the stored forecast and recomputes only a stale one', async () => {
    const before = (await stored())[0]!
    // a stored forecast of 30 a week (as if demand had been 30): replenishment uses it, not the history
    await p.db
      .knex('demand_forecasts')
      .where({ productId, warehouseId: f.warehouseId })
      .update({ forecast: JSON.stringify(new Array(13).fill(30)) })
    const s = await suggestion()
    expect(s).toMatchObject({ weeklyForecast: 30, reorderPoint: 60, orderUpTo: 90 })
    expect((await stored())[0]!.computedAt).toBe(before.computedAt)
    // computed from the history up to last week: stale → recomputed from the ledger and stored again
    await p.db
      .knex('demand_forecasts')
      .where({ productId, warehouseId: f.warehouseId })
      .update({ historyEnd: new Date(Date.parse(before.historyEnd as string) - WEEK_MS).toISOString() })
    expect(await suggestion()).toMatchObject({ weeklyForecast: 10, reorderPoint: 20, orderUpTo: 30 })
    const after = (await stored())[0]!
    expect(after.historyEnd).toBe(before.historyEnd)
    expect(Date.parse(after.computedAt as string)).toBeGreaterThan(Date.parse(before.computedAt as string))
  })

  it('buyers recompute on demand; bad input names the field; partners get 403', async () => {
    await p.db
      .knex('demand_forecasts')
      .where({ productId, warehouseId: f.warehouseId })
      .update({ forecast: JSON.stringify(new Array(13).fill(30)) })
    const r = await expectStatus(buyer, 201, 'POST', '/api/forecast-runs', { productIds: [productId] })
    expect(r.computed).toBe(1)
    expect(((await stored())[0]!.forecast as number[])[0]).toBeCloseTo(10, 6)
    const bad = await buyer('POST', '/api/forecast-runs', { productIds: ['x'] })
    expect(bad.status).toBe(400)
    expect(JSON.stringify(bad.body)).toContain('productIds/0')
    expect((await buyer('POST', '/api/forecast-runs', { everything: true })).status).toBe(400)
    expect((await partner('POST', '/api/forecast-runs', {})).status).toBe(403)
    expect((await partner('GET', '/api/demand-forecasts')).status).toBe(403)
    await expectStatus(f.api, 201, 'POST', '/api/forecast-runs', { warehouseId: f.warehouseId })
  })
})
