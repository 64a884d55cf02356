import { Money, money } from '@plume/core'
import type { Knex } from 'knex'
import { tierModeOf, type TierMode, type TierSlice } from './tiers.js'

export interface CommissionPlan {
  id: number
  tierId: number | null
  basis: 'delivered' | 'paid'
  defaultPercent: string
  categoryRates: Array<{ categoryId: number; percent: number | string }>
  volumeTiers: Array<{ minVolume: string; bonusPercent: number | string }>
  period: 'month' | 'quarter'
  /** How `volumeTiers` pay (see tiers.ts); plans made before modes existed are `cliff`. */
  tierMode: TierMode
}

const json = <T>(v: unknown, fallback: T): T =>
  typeof v === 'string' ? (JSON.parse(v) as T) : ((v as T | null) ?? fallback)

/** The active plan of a partner: the one for its tier, else the one for all tiers (newest first). */
export async function planOf(trx: Knex.Transaction, partnerId: number): Promise<CommissionPlan | null> {
  const row = (await trx('commission_plans as c')
    .join('partners as p', (j) => j.on('p.id', '=', trx.raw('?', [partnerId])))
    .where('c.active', true)
    .andWhere((w) => w.whereRaw('c."tierId" = p."tierId"').orWhereNull('c.tierId'))
    .orderByRaw('c."tierId" is null, c.id desc')
    .first(
      'c.id',
      'c.tierId',
      'c.basis',
      trx.raw('c."defaultPercent"::text as "defaultPercent"'),
      'c.categoryRates',
      'c.volumeTiers',
      'c.period',
      'c.tierMode',
    )) as (CommissionPlan & { categoryRates: unknown; volumeTiers: unknown; tierMode: unknown }) | undefined
  if (!row) return null
  return {
    ...row,
    categoryRates: json(row.categoryRates, []),
    volumeTiers: json(row.volumeTiers, []),
    tierMode: tierModeOf(row.tierMode),
  }
}

/** `2026-03` (month) or `2026-Q1` (quarter) of a UTC date. */
export function periodOf(plan: Pick<CommissionPlan, 'period'>, at: Date): string {
  const y = at.getUTCFullYear()
  const m = at.getUTCMonth()
  return plan.period === 'quarter'
    ? `${y}-Q${Math.floor(m / 3) + 1}`
    : `${y}-${String(m + 1).padStart(2, '0')}`
}

/** The bonus percent for a period volume (cliff mode): the tier with the highest `minVolume` ≤ volume (0 without). */
export function volumeBonus(plan: Pick<CommissionPlan, 'volumeTiers'>, volume: Money): Money {
  let best: { minVolume: string; bonusPercent: number | string } | undefined
  for (const t of plan.volumeTiers)
    if (
      volume.greaterThanOrEqualTo(t.minVolume) &&
      (!best || new Money(t.minVolume).greaterThan(best.minVolume))
    )
      best = t
  return new Money(best ? String(best.bonusPercent) : 0)
}

export interface LineCommission {
  orderLineId: number
  categoryId: number | null
  base: string
  percent: string
  amount: string
  /** Marginal tiers only: the bonus earned on the part of the line inside each tier. */
  tiers?: TierSlice[]
}

/**
 * Commission of each line: its net amount (lineTotal, after discounts, before tax) × (the
 * category's rate, else the plan's rate, + the volume bonus), rounded half up to cents per line.
 * @example lineCommissions(plan, lines, new Money(2)) // [{ base: '270.00', percent: '7', amount: '18.90' }]
 */
export function lineCommissions(
  plan: CommissionPlan,
  lines: Array<{ id: number; categoryId: number | null; lineTotal: string }>,
  bonus: Money,
): LineCommission[] {
  return lines.map((l) => {
    const rate = plan.categoryRates.find((r) => r.categoryId === l.categoryId)
    const percent = new Money(rate ? String(rate.percent) : plan.defaultPercent).plus(bonus)
    return {
      orderLineId: l.id,
      categoryId: l.categoryId,
      base: money(l.lineTotal),
      percent: percent.toString(),
      amount: money(new Money(l.lineTotal).times(percent).div(100)),
    }
  })
}
