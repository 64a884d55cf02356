import { Money, money } from '@plume/core'
import type { Knex } from 'knex'
import {
  lineCommissions,
  periodOf,
  planOf,
  volumeBonus,
  type CommissionPlan,
  type LineCommission,
} from './plan.js'
import { marginalCommissions } from './tiers.js'

interface AccrualRow {
  id: number
  partnerId: number
  planId: number | null
  kind: 'accrual' | 'reversal'
  amount: string
  base: string
  period: string
}

/**
 * Accrues the commission of an order once (no-op when it has an accrual, no partner, no plan or
 * a plan with another basis). The volume bonus looks at the partner's net accrued base (reversals deducted) in the
 * period before and including this order, paid as the plan's `tierMode` says (tiers.ts); earlier
 * orders of the period are never changed.
 * @example await accrueOrder(trx, orderId, 'delivered')
 */
export async function accrueOrder(
  trx: Knex.Transaction,
  orderId: number,
  basis: 'delivered' | 'paid',
  at = new Date(),
): Promise<AccrualRow | null> {
  const order = (await trx('orders').where('id', orderId).first('id', 'partnerId', 'number')) as
    { id: number; partnerId: number | null; number: string } | undefined
  if (!order?.partnerId) return null
  // one partner at a time: the period volume must not be read by two accruals at once
  await trx('partners').where('id', order.partnerId).forUpdate().first('id')
  if (await trx('commission_accruals').where({ orderId, kind: 'accrual' }).first('id')) return null
  const plan = await planOf(trx, order.partnerId)
  if (!plan || plan.basis !== basis) return null
  const lines = (await trx('order_lines as l')
    .join('products as p', 'p.id', 'l.productId')
    .where('l.orderId', orderId)
    .orderBy('l.id')
    .select('l.id', 'p.categoryId', trx.raw('l."lineTotal"::text as "lineTotal"'))) as Array<{
    id: number
    categoryId: number | null
    lineTotal: string
  }>
  const base = lines.reduce((s, l) => s.plus(l.lineTotal), new Money(0))
  const period = periodOf(plan, at)
  const before = (await trx('commission_accruals')
    .where({ partnerId: order.partnerId, period })
    .first(trx.raw('coalesce(sum(base), 0)::text as v'))) as { v: string }
  const { details, note } = orderCommission(plan, lines, new Money(before.v), period)
  const amount = details.reduce((s, d) => s.plus(d.amount), new Money(0))
  const reason = `${basis === 'delivered' ? 'Delivered' : 'Paid'} order ${order.number}${note}`
  const [row] = (await trx('commission_accruals')
    .insert({
      partnerId: order.partnerId,
      planId: plan.id,
      orderId,
      kind: 'accrual',
      base: money(base),
      amount: money(amount),
      period,
      details: JSON.stringify(details),
      reason,
      status: 'open',
    })
    .returning('*')) as AccrualRow[]
  return row!
}

/**
 * The commission of one order's lines by the plan's tier mode, given the partner's period volume
 * before it, and the note its accrual's reason gets about the volume bonus ('' without one).
 * @example orderCommission(plan, lines, new Money('9000.00'), '2026-03')
 */
export function orderCommission(
  plan: CommissionPlan,
  lines: Array<{ id: number; categoryId: number | null; lineTotal: string }>,
  before: Money,
  period: string,
): { details: LineCommission[]; note: string } {
  const volume = lines.reduce((s, l) => s.plus(l.lineTotal), before)
  if (plan.tierMode === 'marginal') {
    const details = marginalCommissions(plan, lines, before)
    const parts = new Map<string, { bonusPercent: string; base: Money }>()
    for (const t of details.flatMap((d) => d.tiers ?? []))
      parts.set(t.from, {
        bonusPercent: t.bonusPercent,
        base: (parts.get(t.from)?.base ?? new Money(0)).plus(t.base),
      })
    const note = [...parts]
      .map(([from, p]) => `+${p.bonusPercent}% on ${money(p.base)} above ${from}`)
      .join(', ')
    return { details, note: note ? `; volume ${money(volume)} in ${period}: ${note}` : '' }
  }
  const bonus = volumeBonus(plan, volume)
  return {
    details: lineCommissions(plan, lines, bonus),
    note: bonus.isZero() ? '' : `; volume ${money(volume)} in ${period} adds ${bonus.toString()}%`,
  }
}

/**
 * Gives back commission on an order: `share` of what is still accrued (1 = all of it), as a
 * negative accrual that the next payout batch nets. Never more than what remains.
 * @example await reverseOrder(trx, orderId, new Money(1), 'Order cancelled')
 */
export async function reverseOrder(
  trx: Knex.Transaction,
  orderId: number,
  share: Money,
  reason: string,
  creditNoteId: number | null = null,
): Promise<AccrualRow | null> {
  const rows = (await trx('commission_accruals')
    .where({ orderId })
    .forUpdate()
    .select(
      'id',
      'partnerId',
      'planId',
      'kind',
      trx.raw('amount::text as amount'),
      trx.raw('base::text as base'),
      'period',
    )) as AccrualRow[]
  const accrual = rows.find((r) => r.kind === 'accrual')
  if (!accrual) return null
  if (
    creditNoteId !== null &&
    (await trx('commission_accruals').where({ orderId, creditNoteId }).first('id'))
  )
    return null
  const remaining = rows.reduce((s, r) => s.plus(r.amount), new Money(0))
  const remainingBase = rows.reduce((s, r) => s.plus(r.base), new Money(0))
  if (!remaining.greaterThan(0)) return null
  const full = Money.min(share, 1).greaterThanOrEqualTo(1)
  const amount = full
    ? remaining
    : Money.min(new Money(money(new Money(accrual.amount).times(share))), remaining)
  const base = full
    ? remainingBase
    : Money.min(new Money(money(new Money(accrual.base).times(share))), remainingBase)
  if (amount.isZero()) return null
  const [row] = (await trx('commission_accruals')
    .insert({
      partnerId: accrual.partnerId,
      planId: accrual.planId,
      orderId,
      kind: 'reversal',
      base: money(base.negated()),
      amount: money(amount.negated()),
      period: accrual.period,
      reason: reason.slice(0, 500),
      creditNoteId,
      status: 'open',
    })
    .returning('*')) as AccrualRow[]
  return row!
}
