import { Decimal } from 'decimal.js'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import {
  bizFixture,
  cents,
  created,
  draftOrder,
  dsum,
  expectedOrder,
  expectStatus,
  type BizFixture,
} from './fixtures.js'

let p: TestPlatform
let f: BizFixture
const live: number[] = []

beforeAll(async () => {
  p = await startTestPlatform()
  f = await bizFixture(p, 'MKT')
})
afterAll(async () => p?.close())
// promotions of one test must not leak into the next
afterEach(async () => {
  for (const id of live.splice(0))
    await expectStatus(f.api, 200, 'PATCH', `/api/promotions/${id}`, { active: false })
})

let seq = 0
async function promotion(body: Record<string, unknown>): Promise<number> {
  const id = await created(f.api, '/api/promotions', {
    code: `PR-${++seq}`,
    name: `Promotion ${seq}`,
    ...body,
  })
  live.push(id)
  return id
}
const linesOf = (o: { lines: Array<Record<string, unknown>> }) =>
  o.lines.map((l) => ({ discount: l.discount, lineTotal: l.lineTotal, taxAmount: l.taxAmount }))
const totalsOf = (o: Record<string, unknown>) => ({
  subtotal: o.subtotal,
  discountTotal: o.discountTotal,
  taxTotal: o.taxTotal,
  total: o.total,
})

describe('promotions in order pricing', () => {
  it('percent off a category, aimed at a segment through an active campaign', async () => {
    const campaignId = await created(f.api, '/api/campaigns', {
      code: 'SEG-SPRING',
      name: 'Spring',
      status: 'active',
      targetSegmentId: f.segmentId,
    })
    const promo = await promotion({
      kind: 'percent',
      percentOff: 12.5,
      categoryId: f.categories.tools,
      campaignId,
    })
    const o = await draftOrder(f, f.customerId, [
      { productId: f.products.drill, quantity: 3 },
      { productId: f.products.bolt, quantity: 10 },
    ])
    const off = cents(new Decimal('300.00').times('0.125'))
    const want = expectedOrder([
      { unit: '100.00', qty: 3, discount: off },
      { unit: '2.50', qty: 10, discount: '0' },
    ])
    expect(off).toBe('37.50')
    expect(linesOf(o)).toEqual(want.lines)
    expect(totalsOf(o)).toEqual({
      subtotal: want.subtotal,
      discountTotal: want.discountTotal,
      taxTotal: want.taxTotal,
      total: want.total,
    })
    expect(o.lines.map((l: { promotionId: number | null }) => l.promotionId)).toEqual([promo, null])
    const adj = o.lines[0].pricingAdjustments.filter((a: { step: string }) => a.step === 'promotions')
    expect(adj).toEqual([
      {
        step: 'promotions',
        kind: 'discount',
        amount: '37.50',
        description: `PR-${seq} (Promotion ${seq}): 12.5% off`,
      },
    ])
    // a customer outside the segment gets list prices
    const direct = await draftOrder(f, f.directCustomerId, [{ productId: f.products.drill, quantity: 3 }])
    expect(direct.lines[0]).toMatchObject({ discount: '0.00', lineTotal: '300.00', promotionId: null })
  })

  it('campaign targeting by partner tier, status and date window', async () => {
    const silver = await created(f.api, '/api/campaigns', {
      code: 'SILVER',
      name: 'Silver only',
      status: 'active',
      targetTierId: f.tiers.silver,
    })
    const paused = await created(f.api, '/api/campaigns', {
      code: 'PAUSED',
      name: 'Paused',
      status: 'paused',
    })
    await promotion({ kind: 'percent', percentOff: 50, campaignId: silver })
    await promotion({ kind: 'percent', percentOff: 50, campaignId: paused })
    await promotion({ kind: 'percent', percentOff: 50, endsAt: new Date(Date.now() - 60_000).toISOString() })
    await promotion({
      kind: 'percent',
      percentOff: 50,
      startsAt: new Date(Date.now() + 3_600_000).toISOString(),
    })
    const gold = await created(f.api, '/api/campaigns', {
      code: 'GOLD',
      name: 'Gold',
      status: 'active',
      targetTierId: f.tiers.gold,
      startsAt: new Date(Date.now() - 60_000).toISOString(),
    })
    const goldPromo = await promotion({ kind: 'percent', percentOff: 5, campaignId: gold })
    const o = await draftOrder(f, f.customerId, [{ productId: f.products.saw, quantity: 1 }])
    expect(o.lines[0]).toMatchObject({ discount: '2.00', lineTotal: '38.00', promotionId: goldPromo })
    const direct = await draftOrder(f, f.directCustomerId, [{ productId: f.products.saw, quantity: 1 }])
    expect(direct.lines[0]).toMatchObject({ discount: '0.00', promotionId: null })
  })

  it('non-stackable: the best one wins; stackable ones add up; exclusive beats all', async () => {
    const fixed = await promotion({
      kind: 'fixed',
      amountOff: '0.40',
      productId: f.products.bolt,
      priority: 1,
    })
    const tiered = await promotion({
      kind: 'tiered',
      productId: f.products.bolt,
      tiers: [
        { minQuantity: 10, percentOff: 5 },
        { minQuantity: 100, percentOff: 12.5 },
      ],
      priority: 9,
    })
    const fixedOff = cents(new Decimal('0.40').times(100))
    const tierOff = cents(new Decimal('250.00').times('0.125'))
    let o = await draftOrder(f, f.directCustomerId, [{ productId: f.products.bolt, quantity: 100 }])
    // 40.00 beats 31.25 although the tiered one has the higher priority
    expect(o.lines[0]).toMatchObject({
      discount: fixedOff,
      promotionId: fixed,
      lineTotal: cents(new Decimal('250.00').minus(fixedOff)),
    })
    // 50 units are on the 5% tier: 6.25 < 20.00
    o = await draftOrder(f, f.directCustomerId, [{ productId: f.products.bolt, quantity: 50 }])
    expect(o.lines[0]).toMatchObject({ discount: '20.00', promotionId: fixed })

    await expectStatus(f.api, 200, 'PATCH', `/api/promotions/${tiered}`, { stackable: true })
    o = await draftOrder(f, f.directCustomerId, [{ productId: f.products.bolt, quantity: 100 }])
    const both = dsum(fixedOff, tierOff)
    const want = expectedOrder([{ unit: '2.50', qty: 100, discount: both }])
    expect(linesOf(o)).toEqual(want.lines)
    expect(o.total).toBe(want.total)
    expect(o.lines[0].promotionId).toBe(fixed)
    // stackables run by priority: the tiered one (9) is listed first
    expect(
      o.lines[0].pricingAdjustments
        .filter((a: { kind: string; amount: string }) => a.kind === 'discount')
        .map((a: { amount: string }) => a.amount),
    ).toEqual([tierOff, fixedOff])

    const exclusive = await promotion({ kind: 'percent', percentOff: 3, exclusive: true, priority: 0 })
    o = await draftOrder(f, f.directCustomerId, [{ productId: f.products.bolt, quantity: 100 }])
    expect(o.lines[0]).toMatchObject({
      discount: cents(new Decimal('250.00').times('0.03')),
      promotionId: exclusive,
    })
  })

  it('buy X get Y gives whole free units', async () => {
    const promo = await promotion({
      kind: 'buy_x_get_y',
      productId: f.products.saw,
      buyQuantity: 3,
      getQuantity: 1,
    })
    const o = await draftOrder(f, f.directCustomerId, [
      { productId: f.products.saw, quantity: 9 },
      { productId: f.products.saw, quantity: 3 },
    ])
    const free = Math.floor(9 / 4)
    const want = expectedOrder([
      { unit: '40.00', qty: 9, discount: cents(new Decimal('40.00').times(free)) },
      { unit: '40.00', qty: 3, discount: '0' },
    ])
    expect(linesOf(o)).toEqual(want.lines)
    expect(o.total).toBe(want.total)
    expect(o.lines[0].promotionId).toBe(promo)
  })

  it('never prices below the floor: product cost or the promotion minimum, clamped and recorded', async () => {
    await promotion({ kind: 'percent', percentOff: 50, productId: f.products.drill })
    await promotion({ kind: 'percent', percentOff: 25, productId: f.products.saw, minUnitPrice: '35.00' })
    const o = await draftOrder(f, f.directCustomerId, [
      { productId: f.products.drill, quantity: 2 },
      { productId: f.products.saw, quantity: 4 },
    ])
    // drill: 50% would be 100.00, the cost 60.00/unit leaves 80.00; saw: 25% would be 40.00, the minimum 35.00/unit leaves 20.00
    const drillOff = cents(new Decimal('200.00').minus(new Decimal('60.00').times(2)))
    const sawOff = cents(new Decimal('160.00').minus(new Decimal('35.00').times(4)))
    const want = expectedOrder([
      { unit: '100.00', qty: 2, discount: drillOff },
      { unit: '40.00', qty: 4, discount: sawOff },
    ])
    expect(linesOf(o)).toEqual(want.lines)
    expect(o.total).toBe(want.total)
    const info = o.lines.map(
      (l: {
        pricingAdjustments: Array<{ step: string; kind: string; amount: string; description: string }>
      }) => l.pricingAdjustments.find((a) => a.step === 'promotions' && a.kind === 'info'),
    )
    expect(info[0]).toMatchObject({ amount: '20.00' })
    expect(info[0].description).toMatch(/held back by the price floor 60\.00\/unit \(product cost\)/)
    expect(info[1]).toMatchObject({ amount: '20.00' })
    expect(info[1].description).toMatch(/35\.00\/unit \(promotion minimum\)/)
  })

  it('free shipping from a threshold is an order-level flag and adjustment', async () => {
    const promo = await promotion({ kind: 'free_shipping', minOrderTotal: '500.00' })
    const small = await draftOrder(f, f.directCustomerId, [{ productId: f.products.drill, quantity: 4 }])
    expect(small.freeShipping).toBe(false)
    const big = await draftOrder(f, f.directCustomerId, [{ productId: f.products.drill, quantity: 5 }])
    expect(big.freeShipping).toBe(true)
    expect(big.pricingAdjustments).toEqual([
      {
        step: 'promotions',
        kind: 'info',
        amount: '500.00',
        description: `PR-${seq}: free shipping from 500.00`,
      },
    ])
    expect(big.total).toBe(expectedOrder([{ unit: '100.00', qty: 5, discount: '0' }]).total)
    // dropping below the threshold takes it away again
    await expectStatus(f.api, 200, 'PATCH', `/api/order-lines/${big.lines[0].id}`, { quantity: 1 })
    expect((await expectStatus(f.api, 200, 'GET', `/api/orders/${big.id}`)).freeShipping).toBe(false)
    expect(promo).toBeGreaterThan(0)
  })

  it('clients cannot write redemptions or usage counts', async () => {
    expect(
      (
        await f.api('POST', '/api/promotion-redemptions', {
          promotionId: 1,
          orderId: 1,
          customerId: 1,
          discount: '1.00',
        })
      ).status,
    ).toBe(405)
    const id = await promotion({ kind: 'percent', percentOff: 1, productId: f.products.saw })
    expect((await f.api('PATCH', `/api/promotions/${id}`, { usageCount: 0 })).status).toBe(400)
  })
})
