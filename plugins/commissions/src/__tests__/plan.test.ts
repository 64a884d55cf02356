import { Money } from '@plume/core'
import { describe, expect, it } from 'vitest'
import { lineCommissions, periodOf, volumeBonus, type CommissionPlan } from '../plan.js'

const plan: CommissionPlan = {
  id: 1,
  tierId: null,
  basis: 'delivered',
  defaultPercent: '5',
  categoryRates: [{ categoryId: 7, percent: 8 }],
  volumeTiers: [
    { minVolume: '1000.00', bonusPercent: 1 },
    { minVolume: '5000.00', bonusPercent: 2.5 },
  ],
  period: 'quarter',
  tierMode: 'cliff',
}

describe('commission plan arithmetic', () => {
  it('rates by category plus the volume bonus, per line in cents', () => {
    expect(volumeBonus(plan, new Money('4999.99')).toString()).toBe('1')
    expect(volumeBonus(plan, new Money('5000')).toString()).toBe('2.5')
    expect(volumeBonus(plan, new Money('999.99')).toString()).toBe('0')
    expect(
      lineCommissions(
        plan,
        [
          { id: 1, categoryId: 7, lineTotal: '33.33' },
          { id: 2, categoryId: null, lineTotal: '0.10' },
        ],
        new Money('2.5'),
      ),
    ).toEqual([
      { orderLineId: 1, categoryId: 7, base: '33.33', percent: '10.5', amount: '3.50' },
      { orderLineId: 2, categoryId: null, base: '0.10', percent: '7.5', amount: '0.01' },
    ])
  })

  it('names periods in UTC', () => {
    expect(periodOf(plan, new Date('2026-05-31T23:59:59Z'))).toBe('2026-Q2')
    expect(periodOf({ period: 'month' }, new Date('2026-01-01T00:00:00Z'))).toBe('2026-01')
  })
})
