import { Decimal } from 'decimal.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { bizFixture, cents, created, draftOrder, dsum, expectStatus, type BizFixture } from './fixtures.js'

let p: TestPlatform
let f: BizFixture

beforeAll(async () => {
  p = await startTestPlatform()
  f = await bizFixture(p, 'CPN')
})
afterAll(async () => p?.close())

const usage = async (id: number) =>
  ((await expectStatus(f.api, 200, 'GET', `/api/promotions/${id}`)) as { usageCount: number }).usageCount

describe('coupon codes with usage limits', () => {
  let save5: number
  let first: number
  let second: number

  it('a coupon promotion applies only to orders carrying its code; a fixed amount is spread over the lines', async () => {
    save5 = await created(f.api, '/api/promotions', {
      code: 'SAVE5',
      name: 'Five off',
      kind: 'fixed',
      amountOff: '5.00',
      couponCode: 'SAVE5',
      usageLimit: 1,
    })
    const without = await draftOrder(f, f.directCustomerId, [{ productId: f.products.drill, quantity: 1 }])
    expect(without.discountTotal).toBe('0.00')
    const o = await draftOrder(
      f,
      f.directCustomerId,
      [
        { productId: f.products.drill, quantity: 1 },
        { productId: f.products.bolt, quantity: 10 },
      ],
      { couponCodes: ['SAVE5'] },
    )
    first = o.id
    // 5.00 × 100/125 = 4.00 on the drill, the rest (1.00) on the bolts
    const drillShare = cents(new Decimal('5.00').times('100.00').div('125.00'))
    expect(o.lines.map((l: { discount: string }) => l.discount)).toEqual([
      drillShare,
      cents(new Decimal('5.00').minus(drillShare)),
    ])
    expect(o.discountTotal).toBe('5.00')
    expect(o.lines.every((l: { promotionId: number }) => l.promotionId === save5)).toBe(true)
  })

  it('submit counts the use and records the redemption; the next order finds it used up (409, nothing changes)', async () => {
    const s = await expectStatus(f.api, 201, 'POST', `/api/orders/${first}/submit`, {})
    expect(s.status).toBe('submitted')
    expect(await usage(save5)).toBe(1)
    const red = await expectStatus(f.api, 200, 'GET', `/api/promotion-redemptions?orderId=${first}`)
    expect(red.data).toMatchObject([
      { promotionId: save5, orderId: first, couponCode: 'SAVE5', discount: '5.00', status: 'redeemed' },
    ])

    const o = await draftOrder(f, f.directCustomerId, [{ productId: f.products.saw, quantity: 1 }], {
      couponCodes: ['SAVE5'],
    })
    second = o.id
    expect(o.discountTotal).toBe('5.00')
    const r = await f.api('POST', `/api/orders/${second}/submit`, {})
    expect(r.status).toBe(409)
    expect(r.body.message).toBe('Coupon code SAVE5 is used up')
    expect((await expectStatus(f.api, 200, 'GET', `/api/orders/${second}`)).status).toBe('draft')
    expect(await usage(save5)).toBe(1)
    const stock = await p.db
      .knex('stock_levels')
      .where({ productId: f.products.saw, warehouseId: f.warehouseId })
      .first('reserved')
    expect(stock.reserved).toBe(0)
  })

  it('cancelling a submitted order gives the use back', async () => {
    await expectStatus(f.api, 201, 'POST', `/api/orders/${first}/cancel`, { reason: 'test' })
    expect(await usage(save5)).toBe(0)
    expect(
      (await expectStatus(f.api, 200, 'GET', `/api/promotion-redemptions?orderId=${first}`)).data[0].status,
    ).toBe('released')
    expect((await expectStatus(f.api, 201, 'POST', `/api/orders/${second}/submit`, {})).total).toBe(
      cents(new Decimal('35.00').times('1.13')),
    )
    expect(await usage(save5)).toBe(1)
  })

  it('an unknown or expired coupon code refuses the submit', async () => {
    const o = await draftOrder(f, f.directCustomerId, [{ productId: f.products.saw, quantity: 1 }], {
      couponCodes: ['NOPE'],
    })
    const r = await f.api('POST', `/api/orders/${o.id}/submit`, {})
    expect(r.status).toBe(409)
    expect(r.body.message).toBe('Coupon code NOPE is not valid')
    expect((await f.api('PATCH', `/api/orders/${o.id}`, { couponCodes: ['lower'] })).status).toBe(400)
  })

  it('concurrent submits never exceed the usage limit', async () => {
    const promo = await created(f.api, '/api/promotions', {
      code: 'RUSH',
      name: 'Rush',
      kind: 'percent',
      percentOff: 10,
      couponCode: 'RUSH3',
      usageLimit: 3,
    })
    const orders = [] as number[]
    for (let i = 0; i < 6; i++)
      orders.push(
        (
          await draftOrder(f, f.directCustomerId, [{ productId: f.products.bolt, quantity: 4 }], {
            couponCodes: ['RUSH3'],
          })
        ).id,
      )
    const results = await Promise.all(orders.map((id) => f.api('POST', `/api/orders/${id}/submit`, {})))
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 201, 409, 409, 409])
    expect(await usage(promo)).toBe(3)
    const red = await p.db
      .knex('promotion_redemptions')
      .where({ promotionId: promo })
      .count({ c: '*' })
      .first()
    expect(Number(red?.c)).toBe(3)
    // every accepted order got 10% of 10.00
    for (const r of results.filter((x) => x.status === 201)) expect(r.body.discountTotal).toBe(dsum('1.00'))
  })
})

describe('campaign results', () => {
  it('orders, net/gross sales, tax and discount per campaign, exact, each order once, cancelled ones out', async () => {
    const camp = await created(f.api, '/api/campaigns', {
      code: 'RESULTS',
      name: 'Results',
      status: 'active',
      budget: '1000.00',
    })
    const empty = await created(f.api, '/api/campaigns', {
      code: 'EMPTY',
      name: 'Nothing yet',
      status: 'active',
    })
    const a = await created(f.api, '/api/promotions', {
      code: 'R-A',
      name: 'Drills',
      kind: 'percent',
      percentOff: 7,
      productId: f.products.drill,
      campaignId: camp,
      stackable: true,
    })
    const b = await created(f.api, '/api/promotions', {
      code: 'R-B',
      name: 'Bolts',
      kind: 'fixed',
      amountOff: '0.15',
      productId: f.products.bolt,
      campaignId: camp,
      stackable: true,
    })
    const o1 = await draftOrder(f, f.customerId, [
      { productId: f.products.drill, quantity: 3 },
      { productId: f.products.bolt, quantity: 33 },
    ])
    const o2 = await draftOrder(f, f.customerId, [{ productId: f.products.drill, quantity: 1 }])
    const o3 = await draftOrder(f, f.customerId, [{ productId: f.products.bolt, quantity: 7 }])
    const draft = await draftOrder(f, f.customerId, [{ productId: f.products.drill, quantity: 9 }])
    const s1 = await expectStatus(f.api, 201, 'POST', `/api/orders/${o1.id}/submit`, {})
    const s2 = await expectStatus(f.api, 201, 'POST', `/api/orders/${o2.id}/submit`, {})
    await expectStatus(f.api, 201, 'POST', `/api/orders/${o3.id}/submit`, {})
    await expectStatus(f.api, 201, 'POST', `/api/orders/${o3.id}/cancel`, {})
    const d1 = dsum(cents(new Decimal('300.00').times('0.07')), cents(new Decimal('0.15').times(33)))
    const d2 = cents(new Decimal('100.00').times('0.07'))
    expect(s1.discountTotal).toBe(d1)
    const r = await expectStatus(f.api, 200, 'GET', `/api/campaign-results/${camp}`)
    expect(r).toEqual({
      campaignId: camp,
      code: 'RESULTS',
      name: 'Results',
      status: 'active',
      currency: 'CNY',
      orders: 2,
      netSales: dsum(new Decimal(s1.total).minus(s1.taxTotal), new Decimal(s2.total).minus(s2.taxTotal)),
      tax: dsum(s1.taxTotal, s2.taxTotal),
      grossSales: dsum(s1.total, s2.total),
      discount: dsum(d1, d2),
      budget: '1000.00',
      budgetRemaining: cents(new Decimal('1000.00').minus(d1).minus(d2)),
    })
    const all = await expectStatus(f.api, 200, 'GET', '/api/campaign-results')
    expect(all.find((x: { campaignId: number }) => x.campaignId === empty)).toMatchObject({
      orders: 0,
      netSales: '0.00',
      tax: '0.00',
      grossSales: '0.00',
      discount: '0.00',
      budget: null,
      budgetRemaining: null,
    })
    expect((await f.api('GET', '/api/campaign-results/999999')).status).toBe(404)
    expect([a, b, draft.id].every(Number.isInteger)).toBe(true)
  })
})
