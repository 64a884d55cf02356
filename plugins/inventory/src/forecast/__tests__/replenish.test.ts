import { describe, expect, it } from 'vitest'
import { classify, normalQuantile, policy, safetyStock, stockoutPeriod, suggestQuantity } from '../index.js'

describe('normal quantile (AS 241)', () => {
  it.each([
    [0.5, 0],
    [0.95, 1.6448536269514722],
    [0.975, 1.959963984540054],
    [0.99, 2.3263478740408408],
    [0.05, -1.6448536269514722],
  ])('z(%s) = %s', (p, z) => expect(Math.abs(normalQuantile(p) - z)).toBeLessThan(1e-12))

  it('refuses a probability of 0 or 1', () =>
    expect(() => normalQuantile(1)).toThrow(/strictly between 0 and 1/))
})

describe('demand classes (ADI 1.32, CV² 0.49)', () => {
  it.each([
    [[5, 6, 5, 4, 6, 5], 'smooth'],
    [[1, 20, 2, 30, 1, 25], 'erratic'],
    [[0, 0, 5, 0, 0, 6, 0, 0, 5], 'intermittent'],
    [[0, 0, 1, 0, 0, 40, 0, 0, 3], 'lumpy'],
  ] as const)('%j is %s', (y, cls) => expect(classify(y).demandClass).toBe(cls))

  it('the cut-offs themselves: ADI exactly 1.32 counts as infrequent', () => {
    // 33 periods, 25 with demand → ADI 1.32
    const y = Array.from({ length: 33 }, (_, i) => (i < 25 ? 10 : 0))
    expect(classify(y)).toMatchObject({ adi: 1.32, demandClass: 'intermittent' })
  })
})

describe('safety stock, reorder point, order-up-to', () => {
  it('fixed lead time: z σ √L', () => {
    expect(safetyStock(0.95, 20, 10, { mean: 4 })).toBeCloseTo(1.6448536269514722 * 10 * 2, 12)
  })

  it('varying lead time: z √(L σ_d² + d² σ_L²)', () => {
    const z = 1.6448536269514722
    expect(safetyStock(0.95, 20, 10, { mean: 4, sd: 1 })).toBeCloseTo(z * Math.sqrt(4 * 100 + 400 * 1), 12)
  })

  it('ROP = d L + SS and S = d (L + R) + SS', () => {
    const p = policy(0.95, 20, 10, { mean: 4 }, 2)
    expect(p.reorderPoint).toBeCloseTo(80 + p.safetyStock, 12)
    expect(p.orderUpTo).toBeCloseTo(120 + p.safetyStock, 12)
  })

  it('suggests whole packs up to S, at least the MOQ, nothing above the ROP', () => {
    const p = { safetyStock: 10, reorderPoint: 50, orderUpTo: 97 }
    expect(suggestQuantity(p, { onHand: 60, reserved: 0, onOrder: 0 })).toBe(0)
    // position 40 → need 57 → 5 packs of 12 = 60
    expect(suggestQuantity(p, { onHand: 50, reserved: 20, onOrder: 10 }, 12)).toBe(60)
    // need 57 in packs of 12 but MOQ 100 → 108 (9 packs)
    expect(suggestQuantity(p, { onHand: 40, reserved: 0, onOrder: 0 }, 12, 100)).toBe(108)
  })

  it('projects the stock-out period from the forecast', () => {
    expect(stockoutPeriod({ onHand: 25, reserved: 5, onOrder: 100 }, [8, 8, 8, 8])).toBe(3)
    expect(stockoutPeriod({ onHand: 25, reserved: 5, onOrder: 100 }, [8, 8, 8, 8], false)).toBeNull()
  })
})
