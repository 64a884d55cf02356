import { Money, money } from '@plume/core'
import type { CommissionPlan, LineCommission } from './plan.js'

/**
 * How volume tiers pay once the partner's period volume reaches them:
 * - `marginal`: each part of the volume earns the bonus of the tier it falls in
 *   ("5 % up to 10,000, 8 % above": 12,000 → 10,000 × 5 % + 2,000 × 8 % = 660.00);
 * - `cliff`: the order that reaches a tier, and every later one in the period, earns the
 *   reached tier's bonus on its whole amount (12,000 in one order → 12,000 × 8 % = 960.00).
 */
export const TIER_MODES = ['marginal', 'cliff'] as const
export type TierMode = (typeof TIER_MODES)[number]

/** Tiers by threshold, lowest first. */
const sortedTiers = (plan: Pick<CommissionPlan, 'volumeTiers'>) =>
  plan.volumeTiers
    .map((t) => ({ min: new Money(t.minVolume), bonus: new Money(String(t.bonusPercent)) }))
    .sort((a, b) => a.min.comparedTo(b.min))

export interface TierSlice {
  /** The tier's threshold (`minVolume`). */
  from: string
  bonusPercent: string
  /** The part of the volume (from `start` to `end`) inside this tier. */
  base: string
}

/**
 * The parts of the volume interval [start, end] that lie inside each tier (volume above a
 * threshold is in that tier, up to the next threshold); parts below the first tier are left out.
 * @example tierSlices(plan, new Money(9000), new Money(12000)) // [{ from: '10000.00', bonusPercent: '3', base: '2000.00' }]
 */
export function tierSlices(plan: Pick<CommissionPlan, 'volumeTiers'>, start: Money, end: Money): TierSlice[] {
  const tiers = sortedTiers(plan)
  const out: TierSlice[] = []
  tiers.forEach((t, i) => {
    const upper = tiers[i + 1]?.min
    const lo = Money.max(start, t.min)
    const hi = upper ? Money.min(end, upper) : end
    if (hi.greaterThan(lo) && !t.bonus.isZero())
      out.push({ from: money(t.min), bonusPercent: t.bonus.toString(), base: money(hi.minus(lo)) })
  })
  return out
}

const baseRate = (plan: CommissionPlan, categoryId: number | null): Money => {
  const rate = plan.categoryRates.find((r) => r.categoryId === categoryId)
  return new Money(rate ? String(rate.percent) : plan.defaultPercent)
}

/**
 * Marginal commission of each line: its net amount × the base rate (category, else plan), plus
 * each tier's bonus on the part of the line that lies in that tier — the lines fill the period
 * volume in order, starting from `before` (the partner's net accrued base before this order).
 * Exact decimals, rounded half up to cents once per line.
 * @example marginalCommissions(plan, [{ id: 1, categoryId: null, lineTotal: '12000.00' }], new Money(0)) // amount '660.00' with 5 % + 3 % above 10,000
 */
export function marginalCommissions(
  plan: CommissionPlan,
  lines: Array<{ id: number; categoryId: number | null; lineTotal: string }>,
  before: Money,
): LineCommission[] {
  let at = before
  return lines.map((l) => {
    const base = new Money(l.lineTotal)
    const start = at
    at = at.plus(base)
    const percent = baseRate(plan, l.categoryId)
    const slices = tierSlices(plan, start, at)
    const exact = slices.reduce(
      (s, t) => s.plus(new Money(t.base).times(t.bonusPercent).div(100)),
      base.times(percent).div(100),
    )
    return {
      orderLineId: l.id,
      categoryId: l.categoryId,
      base: money(base),
      percent: percent.toString(),
      amount: money(exact),
      ...(slices.length ? { tiers: slices } : {}),
    }
  })
}

/** The plan's tier mode, reading an unset one as marginal (the default of new plans). */
export const tierModeOf = (v: unknown): TierMode => (v === 'cliff' ? 'cliff' : 'marginal')
