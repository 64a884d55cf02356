import { Decimal } from 'decimal.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { keepCliffTiers } from '../../plugins/commissions/src/migrations/20261207000000-commission-tier-mode.js'
import {
  bizFixture,
  cents,
  created,
  draftOrder,
  expectStatus,
  type BizFixture,
} from '../marketing/fixtures.js'

// "5 % up to 10,000.00, 8 % above": plan rate 5 %, a tier from 10,000.00 adding 3 %
const RATE = '5'
const TIER = '10000.00'
const BONUS = '3'
const pct = (base: Decimal.Value, rate: Decimal.Value) => new Decimal(base).times(rate).div(100)

let p: TestPlatform
let f: BizFixture
let n = 0

beforeAll(async () => {
  p = await startTestPlatform()
  f = await bizFixture(p, 'TIER')
})
afterAll(async () => p?.close())

/** A partner of its own tier and plan (so its period volume starts at zero); `mode` undefined: the default. */
async function partnerWithPlan(
  mode: 'marginal' | 'cliff' | undefined,
): Promise<{ customerId: number; planId: number }> {
  const k = ++n
  const tierId = await created(f.api, '/api/partner-tiers', {
    code: `T${k}`,
    name: `Tier ${k}`,
    rank: 10 + k,
  })
  const partnerId = await created(f.api, '/api/partners', {
    code: `P-T${k}`,
    name: `Partner T${k}`,
    kind: 'reseller',
    tierId,
  })
  const customerId = await created(f.api, '/api/customers', {
    code: `C-T${k}`,
    name: `Customer T${k}`,
    partnerId,
  })
  const planId = await created(f.api, '/api/commission-plans', {
    code: `PLAN-T${k}`,
    name: `Plan ${k}`,
    tierId,
    defaultPercent: Number(RATE),
    volumeTiers: [{ minVolume: TIER, bonusPercent: Number(BONUS) }],
    ...(mode ? { tierMode: mode } : {}),
  })
  return { customerId, planId }
}

/** Delivers an order and returns its accrual. */
async function accrue(
  customerId: number,
  lines: Array<{ productId: number; quantity: number }>,
): Promise<{ base: string; amount: string; reason: string; details: Array<Record<string, unknown>> }> {
  const o = await draftOrder(f, customerId, lines)
  for (const a of ['submit', 'approve', 'ship', 'deliver'])
    await expectStatus(f.api, 201, 'POST', `/api/orders/${o.id}/${a}`, {})
  const rows = (await expectStatus(f.api, 200, 'GET', `/api/commission-accruals?orderId=${o.id}`)).data
  expect(rows).toHaveLength(1)
  return rows[0]
}

const drills = (quantity: number) => ({ productId: f.products.drill, quantity }) // 100.00 each
const bolts = (quantity: number) => ({ productId: f.products.bolt, quantity }) // 2.50 each

describe('volume tiers, marginal (the default of new plans)', () => {
  it('a new plan without a mode is marginal; an unknown mode is a 400 naming the field', async () => {
    const { planId } = await partnerWithPlan(undefined)
    expect((await expectStatus(f.api, 200, 'GET', `/api/commission-plans/${planId}`)).tierMode).toBe(
      'marginal',
    )
    const bad = await f.api('PATCH', `/api/commission-plans/${planId}`, { tierMode: 'whole' })
    expect(bad.status).toBe(400)
    expect(JSON.stringify(bad.body)).toContain('tierMode')
  })

  it('12,000.00 in one order: 10,000 × 5 % + 2,000 × 8 % = 660.00', async () => {
    const { customerId } = await partnerWithPlan(undefined)
    const a = await accrue(customerId, [drills(120)])
    expect(a.base).toBe('12000.00')
    expect(a.amount).toBe(cents(pct('10000', '5').plus(pct('2000', '8'))))
    expect(a.amount).toBe('660.00')
    expect(a.reason).toMatch(/volume 12000\.00 in \d{4}-\d{2}: \+3% on 2000\.00 above 10000\.00/)
  })

  it('exactly 10,000.00 earns no bonus; the next cent of volume does', async () => {
    const { customerId } = await partnerWithPlan('marginal')
    const first = await accrue(customerId, [drills(100)])
    expect(first.amount).toBe(cents(pct('10000', '5')))
    expect(first.reason).not.toMatch(/volume/)
    // every part of this order lies above the tier: 2.50 × 8 %
    const next = await accrue(customerId, [bolts(1)])
    expect(next.amount).toBe(cents(pct('2.50', '8')))
    expect(next.amount).toBe('0.20')
  })

  it('an order crossing the tier: each line pays the bonus on its part above it', async () => {
    const { customerId } = await partnerWithPlan('marginal')
    expect((await accrue(customerId, [drills(99), bolts(4)])).amount).toBe(cents(pct('9910', '5'))) // 9,910.00
    // 9,910.00 → 9,945.00 (14 bolts, all below) → 10,045.00 (1 drill: 55.00 below, 45.00 above)
    const a = await accrue(customerId, [bolts(14), drills(1)])
    const bolt = cents(pct('35.00', '5'))
    const drill = cents(pct('100.00', '5').plus(pct('45.00', '3')))
    expect(a.details.map((d) => d.amount)).toEqual([bolt, drill])
    expect(drill).toBe('6.35')
    expect(a.amount).toBe(cents(new Decimal(bolt).plus(drill)))
    expect(a.details[1]).toMatchObject({
      base: '100.00',
      percent: RATE,
      tiers: [{ from: TIER, bonusPercent: BONUS, base: '45.00' }],
    })
  })
})

describe('volume tiers, cliff', () => {
  it('12,000.00 in one order: the whole amount at 8 % = 960.00', async () => {
    const { customerId } = await partnerWithPlan('cliff')
    const a = await accrue(customerId, [drills(120)])
    expect(a.amount).toBe(cents(pct('12000', '8')))
    expect(a.amount).toBe('960.00')
    expect(a.reason).toMatch(/volume 12000\.00 in \d{4}-\d{2} adds 3%/)
  })

  it('exactly 10,000.00 reaches the tier; below it does not; earlier orders are not topped up', async () => {
    const { customerId } = await partnerWithPlan('cliff')
    const below = await accrue(customerId, [drills(99), bolts(39)]) // 9,997.50
    expect(below.amount).toBe(cents(pct('9997.50', '5')))
    const reach = await accrue(customerId, [bolts(1)]) // 9,997.50 + 2.50 = 10,000.00
    expect(reach.amount).toBe(cents(pct('2.50', '8')))
    const again = await accrue(customerId, [drills(30)])
    expect(again.amount).toBe(cents(pct('3000', '8')))
    expect(again.amount).toBe('240.00')
  })
})

describe('plans made before tier modes', () => {
  it('the migration keeps them paying the whole amount at the reached tier', async () => {
    const { planId } = await partnerWithPlan(undefined)
    const knex = p.app.get('db').knex
    expect(await keepCliffTiers(knex)).toBeGreaterThan(0)
    expect((await expectStatus(f.api, 200, 'GET', `/api/commission-plans/${planId}`)).tierMode).toBe('cliff')
  })
})
