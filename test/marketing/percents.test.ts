import { Decimal } from 'decimal.js'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { bizFixture, cents, created, draftOrder, expectStatus, type BizFixture } from './fixtures.js'

/**
 * #13.15: percents are exact decimal strings, like money ("12.5"; a JSON number is still taken
 * and becomes its decimal string), priced with decimal.js; validation errors are written for
 * people, with the field's path, in English or Chinese (Accept-Language).
 */
let p: TestPlatform
let f: BizFixture
const live: number[] = []

beforeAll(async () => {
  p = await startTestPlatform()
  f = await bizFixture(p, 'PCT')
})
afterAll(async () => p?.close())
afterEach(async () => {
  for (const id of live.splice(0))
    await expectStatus(f.api, 200, 'PATCH', `/api/promotions/${id}`, { active: false })
})

let seq = 0
async function promotion(body: Record<string, unknown>): Promise<number> {
  const id = await created(f.api, '/api/promotions', {
    code: `PCT-${++seq}`,
    name: `Percent ${seq}`,
    ...body,
  })
  live.push(id)
  return id
}
const drillDiscount = async () =>
  (await draftOrder(f, f.directCustomerId, [{ productId: f.products.drill, quantity: 3 }])).lines[0]
    .discount as string

describe('percents are exact decimals', () => {
  it('percentOff "12.5" and 12.5 are the same percent, stored and priced exactly', async () => {
    const asText = await promotion({ kind: 'percent', percentOff: '12.5', productId: f.products.drill })
    const got = await expectStatus(f.api, 200, 'GET', `/api/promotions/${asText}`)
    expect(typeof got.percentOff).toBe('string')
    expect(new Decimal(got.percentOff).eq('12.5')).toBe(true)
    expect(await drillDiscount()).toBe('37.50')
    await expectStatus(f.api, 200, 'PATCH', `/api/promotions/${asText}`, { active: false })

    const asNumber = await promotion({ kind: 'percent', percentOff: 12.5, productId: f.products.drill })
    const again = await expectStatus(f.api, 200, 'GET', `/api/promotions/${asNumber}`)
    expect(again.percentOff).toBe(got.percentOff)
    expect(await drillDiscount()).toBe('37.50')
  })

  it('keeps four decimals: 12.3455 % of 300.00 is 37.04 (37.0365 rounded half up)', async () => {
    await promotion({ kind: 'percent', percentOff: '12.3455', productId: f.products.drill })
    expect(await drillDiscount()).toBe(cents(new Decimal('300.00').times('12.3455').div(100)))
    expect(await drillDiscount()).toBe('37.04')
  })

  it('tiers take decimal strings and numbers alike', async () => {
    const id = await promotion({
      kind: 'tiered',
      productId: f.products.drill,
      tiers: [
        { minQuantity: 1, percentOff: '7.25' },
        { minQuantity: 100, percentOff: 10 },
      ],
    })
    const got = await expectStatus(f.api, 200, 'GET', `/api/promotions/${id}`)
    expect(got.tiers).toEqual([
      { minQuantity: 1, percentOff: '7.25' },
      { minQuantity: 100, percentOff: '10' },
    ])
    expect(await drillDiscount()).toBe('21.75')
  })

  it('other percents: a partner tier discount and commission plan rates', async () => {
    const tier = await created(f.api, '/api/partner-tiers', {
      code: 'PCT-T',
      name: 'Decimal tier',
      rank: 9,
      discountPercent: '7.5',
    })
    expect(
      new Decimal((await expectStatus(f.api, 200, 'GET', `/api/partner-tiers/${tier}`)).discountPercent).eq(
        '7.5',
      ),
    ).toBe(true)
    const plan = await created(f.api, '/api/commission-plans', {
      code: 'PCT-P',
      name: 'Decimal plan',
      defaultPercent: '2.5',
      categoryRates: [{ categoryId: f.categories.tools, percent: 3.75 }],
      volumeTiers: [{ minVolume: '1000.00', bonusPercent: '0.5' }],
    })
    const got = await expectStatus(f.api, 200, 'GET', `/api/commission-plans/${plan}`)
    expect(new Decimal(got.defaultPercent).eq('2.5')).toBe(true)
    expect(got.categoryRates).toEqual([{ categoryId: f.categories.tools, percent: '3.75' }])
    expect(got.volumeTiers).toEqual([{ minVolume: '1000.00', bonusPercent: '0.5' }])
  })
})

describe('validation errors people can read', () => {
  const bad = async (body: Record<string, unknown>, headers?: Record<string, string>) => {
    const r = await f.api('POST', '/api/promotions', { code: `BAD-${++seq}`, name: 'Bad', ...body }, headers)
    expect(r.status, JSON.stringify(r.body)).toBe(400)
    return r.body as { message: string; errors: Array<{ path: string; message: string }> }
  }
  const DECIMAL = 'must be a decimal number such as 12.5 (at most 3 digits before the point and 4 after)'

  it('names the field and says what a percent must be', async () => {
    expect((await bad({ kind: 'percent', percentOff: '12.5%' })).errors).toEqual([
      { path: '/percentOff', message: DECIMAL },
    ])
    expect((await bad({ kind: 'percent', percentOff: '12.34567' })).errors).toEqual([
      { path: '/percentOff', message: DECIMAL },
    ])
    expect((await bad({ kind: 'percent', percentOff: true })).errors).toEqual([
      { path: '/percentOff', message: `${DECIMAL} or empty` },
    ])
    const range = await bad({ kind: 'percent', percentOff: '100.0001' })
    expect(range.errors).toEqual([{ path: '/percentOff', message: 'must be at most 100' }])
    expect(range.message).toBe('Invalid data: percentOff must be at most 100')
    expect((await bad({ kind: 'percent', percentOff: -1 })).errors).toEqual([
      { path: '/percentOff', message: 'must be at least 0' },
    ])
    expect(
      (
        await bad({
          kind: 'tiered',
          tiers: [
            { minQuantity: 1, percentOff: '5' },
            { minQuantity: 2, percentOff: 'abc' },
          ],
        })
      ).errors,
    ).toEqual([{ path: '/tiers/1/percentOff', message: DECIMAL }])
    expect((await bad({ kind: 'tiered', tiers: [{ minQuantity: 1, percentOff: 150 }] })).errors).toEqual([
      { path: '/tiers/0/percentOff', message: 'must be at most 100' },
    ])
  })

  it('writes other type and range errors in words, not “must be integer,null”', async () => {
    expect((await bad({ kind: 'buy_x_get_y', buyQuantity: 'two' })).errors).toEqual([
      { path: '/buyQuantity', message: 'must be an integer or empty' },
    ])
    expect((await bad({ kind: 'buy_x_get_y', buyQuantity: 0 })).errors).toEqual([
      { path: '/buyQuantity', message: 'must be at least 1' },
    ])
    expect((await bad({ kind: 'fixed', amountOff: 5 })).errors).toEqual([
      {
        path: '/amountOff',
        message: 'must be a decimal string with at most 2 decimals, e.g. "12.50" or empty',
      },
    ])
    expect((await bad({ kind: 'percent', percentOff: '5', name: '' })).errors).toEqual([
      { path: '/name', message: 'must not be empty' },
    ])
  })

  it('answers in Chinese when the client asks for it', async () => {
    const zh = await bad(
      { kind: 'percent', percentOff: '100.5' },
      { 'Accept-Language': 'zh-CN,zh;q=0.9,en;q=0.5' },
    )
    expect(zh.errors).toEqual([{ path: '/percentOff', message: '不能大于 100' }])
    expect(zh.message).toBe('数据无效：percentOff 不能大于 100')
    const type = await bad({ kind: 'buy_x_get_y', buyQuantity: 'two' }, { 'Accept-Language': 'zh-CN' })
    expect(type.errors).toEqual([{ path: '/buyQuantity', message: '必须是整数或空值' }])
  })
})
