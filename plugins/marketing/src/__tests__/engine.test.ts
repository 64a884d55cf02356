import { Money } from '@plume/core'
import { describe, expect, it } from 'vitest'
import { planPromotions, pickTier } from '../promotions/engine.js'
import type { PromotionRule } from '../promotions/types.js'

const rule = (id: number, over: Partial<PromotionRule>): PromotionRule => ({
  id,
  code: `P${id}`,
  name: `P${id}`,
  kind: 'percent',
  percentOff: null,
  amountOff: null,
  buyQuantity: null,
  getQuantity: null,
  tiers: null,
  minOrderTotal: null,
  productId: null,
  categoryId: null,
  couponCode: null,
  stackable: false,
  exclusive: false,
  priority: 0,
  minUnitPrice: null,
  ...over,
})
const line = (id: number, unit: string, quantity: number, cost: string | null = null) => ({
  id,
  productId: id,
  categoryId: null,
  quantity,
  unitPrice: new Money(unit),
  cost: cost === null ? null : new Money(cost),
})

describe('planPromotions', () => {
  it('spreads an order amount by value with the rounding rest on the last line', () => {
    const plan = planPromotions(
      [line(1, '3.33', 1), line(2, '3.33', 1), line(3, '3.34', 1)],
      [rule(1, { kind: 'fixed', amountOff: '1.00' })],
    )
    expect([1, 2, 3].map((id) => plan.lines.get(id)!.grants[0]!.amount.toFixed(2))).toEqual([
      '0.33',
      '0.33',
      '0.34',
    ])
    expect(plan.given.get(1)!.discount.toFixed(2)).toBe('1.00')
  })

  it('respects the minimum order total and the cost floor', () => {
    const p = rule(1, { percentOff: '50', minOrderTotal: '100.00' })
    expect(planPromotions([line(1, '99.99', 1)], [p]).given.size).toBe(0)
    const plan = planPromotions([line(1, '100.00', 1, '80.00')], [p])
    const g = plan.lines.get(1)!.grants[0]!
    expect([g.amount.toFixed(2), g.clamped.toFixed(2), g.floorSource]).toEqual(['20.00', '30.00', 'cost'])
  })

  it('an exclusive promotion with the higher priority wins over a bigger one', () => {
    const plan = planPromotions(
      [line(1, '10.00', 10)],
      [
        rule(1, { percentOff: '50', exclusive: true }),
        rule(2, { percentOff: '5', exclusive: true, priority: 5 }),
        rule(3, { percentOff: '20', stackable: true }),
      ],
    )
    expect(plan.lines.get(1)!.grants.map((g) => [g.promotionId, g.amount.toFixed(2)])).toEqual([[2, '5.00']])
  })

  it('picks the best tier', () => {
    expect(
      pickTier(
        [
          { minQuantity: 10, percentOff: 5 },
          { minQuantity: 50, percentOff: 7.5 },
        ],
        60,
      ),
    ).toEqual({ minQuantity: 50, percentOff: '7.5' })
    expect(pickTier([{ minQuantity: 10, percentOff: 5 }], 9)).toBeUndefined()
  })
})
