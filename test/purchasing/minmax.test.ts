/**
 * Min/max proposals (issue #20): min = the forecast's reorder point, max = min + the order-up-to
 * gap in whole packs (at least the MOQ); buyers read them, an administrator applies reviewed ones
 * to the stock level, and replenishment follows the applied min/max from then on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { bizFixture, created, expectStatus, type Api, type BizFixture } from '../marketing/fixtures.js'
import { minMax } from '../../plugins/purchasing/src/replenish/minmax.js'
import { buyerClient, shipmentHistory, suppliedProduct, userClient } from './helpers.js'

let p: TestPlatform
let f: BizFixture
let buyer: Api
let partner: Api
let supplierId: number
let productId: number

beforeAll(async () => {
  p = await startTestPlatform()
  f = await bizFixture(p, 'MM')
  supplierId = await created(f.api, '/api/suppliers', {
    code: 'SUP-MM',
    name: 'Min/max supplier',
    leadTimeDays: 14,
  })
  productId = await suppliedProduct(f, supplierId, 'MM-1', {
    leadTimeDays: 14,
    onHand: 20,
    packSize: 12,
    moq: 24,
  })
  await shipmentHistory(p.db.knex, productId, f.warehouseId, new Array<number>(104).fill(10))
  buyer = await buyerClient(p, 'buyer-mm@test.local')
  partner = await userClient(p, f, 'partner-mm@test.local', ['partner_user'], f.partnerId)
}, 400_000)
afterAll(async () => p?.close())

const proposal = async (api: Api) =>
  (
    await expectStatus(api, 200, 'GET', `/api/reorder-proposals?warehouseId=${f.warehouseId}&$limit=500`)
  ).data.find((r: { productId: number }) => r.productId === productId)
const suggestion = async () =>
  (
    await expectStatus(
      buyer,
      200,
      'GET',
      `/api/replenishment?warehouseId=${f.warehouseId}&all=true&$limit=500`,
    )
  ).data.find((s: { productId: number }) => s.productId === productId)
const level = async () =>
  (
    await expectStatus(
      f.api,
      200,
      'GET',
      `/api/stock-levels?productId=${productId}&warehouseId=${f.warehouseId}`,
    )
  ).data[0]

describe('min/max proposals', () => {
  it('rounds the order-up-to gap to whole packs, at least the MOQ', () => {
    expect(minMax({ reorderPoint: 20, orderUpTo: 30 }, 12, 24)).toEqual({ min: 20, max: 44 })
    expect(minMax({ reorderPoint: 20.4, orderUpTo: 80.4 }, 12, 0)).toEqual({ min: 21, max: 81 })
    expect(minMax({ reorderPoint: 5, orderUpTo: 5 }, 1, 0)).toEqual({ min: 5, max: 6 })
  })

  it('proposes min/max from the forecast and lead time; an administrator applies them and replenishment follows', async () => {
    // 10 a week, 2 weeks' lead time, no error: ROP 20, order-up-to 30 → min 20, max 20 + 2 packs of 12 (MOQ 24)
    expect(await proposal(buyer)).toMatchObject({
      warehouseId: f.warehouseId,
      min: 20,
      max: 44,
      currentMin: 0,
      currentMax: 0,
      applied: false,
      weeklyForecast: 10,
      leadTimeWeeks: 2,
    })
    expect(await suggestion()).toMatchObject({
      policy: 'forecast',
      reorderPoint: 20,
      orderUpTo: 30,
      quantity: 24,
    })

    // buyers review, administrators apply (a reviewed edit: min 30, max 90)
    const line = { productId, warehouseId: f.warehouseId, min: 30, max: 90 }
    expect((await buyer('POST', '/api/reorder-proposals', { lines: [line] })).status).toBe(403)
    await expectStatus(f.api, 201, 'POST', '/api/reorder-proposals', { lines: [line] })
    const l = await level()
    expect(l).toMatchObject({ reorderPoint: 30, reorderQuantity: 60 })
    expect(l.minMaxAppliedAt).toEqual(expect.any(String))

    // position 20 ≤ min 30 → up to max 90: 70 → 6 packs of 12
    expect(await suggestion()).toMatchObject({
      policy: 'minMax',
      reorderPoint: 30,
      orderUpTo: 90,
      quantity: 72,
    })
    // the proposal still shows the forecast's min/max beside the applied settings
    expect(await proposal(buyer)).toMatchObject({
      min: 20,
      max: 44,
      currentMin: 30,
      currentMax: 90,
      applied: true,
    })
  })

  it('refuses bad lines naming the field; partners get 403', async () => {
    const bad = await f.api('POST', '/api/reorder-proposals', {
      lines: [{ productId, warehouseId: f.warehouseId, min: 10, max: 5 }],
    })
    expect(bad.status).toBe(400)
    expect(JSON.stringify(bad.body)).toContain('lines/0/max')
    const other = await created(f.api, '/api/products', {
      sku: 'MM-NOSTOCK',
      name: 'No stock',
      categoryId: f.categories.parts,
      listPrice: '1.00',
      cost: '0.50',
      taxRate: 13,
    })
    const none = await f.api('POST', '/api/reorder-proposals', {
      lines: [{ productId: other, warehouseId: f.warehouseId, min: 1, max: 2 }],
    })
    expect(none.status).toBe(400)
    expect(JSON.stringify(none.body)).toContain('lines/0/productId')
    expect((await partner('GET', '/api/reorder-proposals')).status).toBe(403)
    expect((await partner('POST', '/api/reorder-proposals', { lines: [] })).status).toBe(403)
  })
})
