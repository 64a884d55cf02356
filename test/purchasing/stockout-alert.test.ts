/**
 * The projected stock-out fact (issue #20) and the purchasing plugin's default alert rule: a
 * product whose position runs out before its lead time fires it (and its buyers are notified); a
 * product that runs out later, or not within the forecast, does not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { bizFixture, created, type BizFixture } from '../marketing/fixtures.js'
import { engineOf, firings, jobsOf, quietBackground } from '../automation/helpers.js'
import { coverDays } from '../../plugins/purchasing/src/forecasts/stockout-fact.js'
import { buyerClient, shipmentHistory, suppliedProduct } from './helpers.js'

const RULE = 'projected-stockout-within-lead-time'
let p: TestPlatform
let f: BizFixture
const ids: Record<'short' | 'later' | 'plenty', number> = { short: 0, later: 0, plenty: 0 }

beforeAll(async () => {
  quietBackground()
  p = await startTestPlatform()
  f = await bizFixture(p, 'SO')
  const supplierId = await created(f.api, '/api/suppliers', {
    code: 'SUP-SO',
    name: 'Stock-out supplier',
    leadTimeDays: 14,
  })
  // 10 a week for two years; 12 on hand lasts 8 days, 30 lasts 21 days, 500 lasts the whole 13 weeks
  const stock = { short: 12, later: 30, plenty: 500 }
  for (const k of Object.keys(ids) as Array<keyof typeof ids>) {
    ids[k] = await suppliedProduct(f, supplierId, `SO-${k}`, { leadTimeDays: 14, onHand: stock[k] })
    await shipmentHistory(p.db.knex, ids[k], f.warehouseId, new Array<number>(104).fill(10))
  }
  await buyerClient(p, 'buyer-so@test.local')
}, 400_000)
afterAll(async () => p?.close())

describe('projected stock-out', () => {
  it('counts the days the stock covers at the weekly forecast', () => {
    expect(coverDays(12, [10, 10])).toBe(8)
    expect(coverDays(30, [10, 10, 10, 10])).toBe(21)
    expect(coverDays(0, [10])).toBe(0)
    expect(coverDays(15, [0, 0])).toBeNull()
  })

  it('the default rule fires for a product projected to run out within its lead time, not for well-stocked ones', async () => {
    const stored = (await p.app.service('api/alert-rules').find({ query: { name: RULE } })) as Array<{
      enabled: boolean
    }>
    const rule = stored[0]
    expect(rule?.enabled).toBe(true)

    const now = new Date()
    expect(await engineOf(p).runSchedules(now)).toBeGreaterThanOrEqual(1)
    const fired = (await firings(p, RULE)).filter((x) => x.item?.warehouseId === f.warehouseId)
    expect(fired.map((x) => x.item.productId)).toEqual([ids.short])
    expect(fired[0]!.item).toMatchObject({
      daysToStockout: 8,
      leadTimeDays: 14,
      position: 12,
      weeklyForecast: 10,
      sku: 'SO-short',
    })

    // the buyers get the notification
    await jobsOf(p).drain({ now: new Date(Date.now() + 1000) })
    const buyer = (await p.db.knex('users').where({ email: 'buyer-so@test.local' }).first('id')) as {
      id: number
    }
    const notes = (await p.db.knex('notifications').where({ userId: buyer.id, ruleName: RULE })) as Array<{
      title: string
    }>
    expect(notes).toHaveLength(1)
    expect(notes[0]!.title).toContain('SO-short')
    expect(notes[0]!.title).toContain('预计缺货')
  })
})
