import { insertRows, Money, money } from '@plume/core'
import type { Knex } from 'knex'
import { orderCommission } from '../accrue.js'
import { periodOf, type CommissionPlan } from '../plan.js'

const DAY = 86_400_000
const PLANS = [
  {
    code: 'STANDARD',
    name: 'Standard partner commission',
    tier: null,
    defaultPercent: 3,
    volumeTiers: [
      { minVolume: '100000.00', bonusPercent: '1' },
      { minVolume: '300000.00', bonusPercent: '2' },
    ],
  },
  {
    code: 'GOLD',
    name: 'Gold partner commission',
    tier: 'GOLD',
    defaultPercent: 4,
    volumeTiers: [{ minVolume: '150000.00', bonusPercent: '1' }],
  },
  {
    code: 'PLATINUM',
    name: 'Platinum partner commission',
    tier: 'PLATINUM',
    defaultPercent: 5,
    volumeTiers: [{ minVolume: '200000.00', bonusPercent: '1.5' }],
  },
]

interface Order {
  id: number
  number: string
  partnerId: number
  tierId: number | null
  code: string
  deliveredAt: Date | string
}

/**
 * A year of partner commissions, computed as the live accrual computes them (`orderCommission`,
 * marginal volume tiers per month): plans for all partners and for the Gold and Platinum tiers,
 * an accrual for every delivered partner order, a reversal for every return credited on one,
 * and one payout batch per partner and month — paid up to two months ago, last month's
 * approved, this month's accruals still open.
 */
export async function seedCommissions(
  trx: Knex.Transaction,
  approvedById: number | null,
  now = new Date(),
): Promise<{ plans: number; accruals: number; batches: number }> {
  const tiers = new Map(
    ((await trx('partner_tiers').select('id', 'code')) as Array<{ id: number; code: string }>).map((t) => [
      t.code,
      t.id,
    ]),
  )
  const categories = (await trx('product_categories').select('id').orderBy('id').limit(2)) as Array<{
    id: number
  }>
  const planRows = PLANS.map((p, i) => ({
    code: p.code,
    name: p.name,
    tierId: p.tier ? (tiers.get(p.tier) ?? null) : null,
    basis: 'delivered',
    defaultPercent: p.defaultPercent,
    categoryRates: JSON.stringify(
      i === 0 && categories[0] ? [{ categoryId: categories[0].id, percent: '2' }] : [],
    ),
    volumeTiers: JSON.stringify(p.volumeTiers),
    tierMode: 'marginal',
    period: 'month',
    active: true,
  }))
  const ids = await insertRows<{ id: number }>(trx, 'commission_plans', planRows)
  const plans: CommissionPlan[] = planRows.map((p, i) => ({
    id: ids[i]!.id,
    tierId: p.tierId,
    basis: 'delivered',
    defaultPercent: String(p.defaultPercent),
    categoryRates: JSON.parse(p.categoryRates) as CommissionPlan['categoryRates'],
    volumeTiers: JSON.parse(p.volumeTiers) as CommissionPlan['volumeTiers'],
    period: 'month',
    tierMode: 'marginal',
  }))
  const planFor = (tierId: number | null) =>
    plans.find((p) => p.tierId !== null && p.tierId === tierId) ?? plans.find((p) => p.tierId === null)!

  const orders = (await trx('orders as o')
    .join('partners as p', 'p.id', 'o.partnerId')
    .whereIn('o.status', ['delivered', 'closed'])
    .whereNotNull('o.deliveredAt')
    .orderBy([{ column: 'o.deliveredAt' }, { column: 'o.id' }])
    .select('o.id', 'o.number', 'o.partnerId', 'p.tierId', 'p.code', 'o.deliveredAt')) as Order[]
  if (!orders.length) return { plans: ids.length, accruals: 0, batches: 0 }
  const lines = new Map<number, Array<{ id: number; categoryId: number | null; lineTotal: string }>>()
  for (let i = 0; i < orders.length; i += 1000) {
    const part = (await trx('order_lines as l')
      .join('products as p', 'p.id', 'l.productId')
      .whereIn(
        'l.orderId',
        orders.slice(i, i + 1000).map((o) => o.id),
      )
      .orderBy('l.id')
      .select('l.id', 'l.orderId', 'p.categoryId', trx.raw('l."lineTotal"::text as "lineTotal"'))) as Array<{
      id: number
      orderId: number
      categoryId: number | null
      lineTotal: string
    }>
    for (const l of part) lines.set(l.orderId, [...(lines.get(l.orderId) ?? []), l])
  }
  const current = periodOf({ period: 'month' }, now)
  const last = periodOf({ period: 'month' }, new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0)))
  const volume = new Map<string, Money>()
  const accruals: Array<Record<string, unknown>> = []
  const byOrder = new Map<
    number,
    { amount: Money; base: Money; planId: number; period: string; partnerId: number }
  >()
  for (const o of orders) {
    const plan = planFor(o.tierId)
    const period = periodOf(plan, new Date(o.deliveredAt))
    const key = `${o.partnerId}:${period}`
    const own = lines.get(o.id) ?? []
    const before = volume.get(key) ?? new Money(0)
    const { details, note } = orderCommission(plan, own, before, period)
    const base = own.reduce((s, l) => s.plus(l.lineTotal), new Money(0))
    const amount = details.reduce((s, d) => s.plus(d.amount), new Money(0))
    volume.set(key, before.plus(base))
    byOrder.set(o.id, { amount, base, planId: plan.id, period, partnerId: o.partnerId })
    accruals.push({
      partnerId: o.partnerId,
      planId: plan.id,
      orderId: o.id,
      kind: 'accrual',
      base: money(base),
      amount: money(amount),
      period,
      details: JSON.stringify(details),
      reason: `Delivered order ${o.number}${note}`,
      status: period === current ? 'open' : period === last ? 'batched' : 'paid',
      createdAt: new Date(o.deliveredAt).toISOString(),
    })
  }
  // returns credited on partner orders give back the same share of their commission (next payout nets it)
  const returns = (await trx('credit_notes as cn')
    .join('invoices as i', 'i.id', 'cn.invoiceId')
    .where('cn.kind', 'return')
    .whereIn('cn.orderId', [...byOrder.keys()])
    .select(
      'cn.id',
      'cn.orderId',
      'cn.number',
      trx.raw('cn.amount::text as amount'),
      trx.raw('i.total::text as total'),
      'cn.issueDate',
    )) as Array<{
    id: number
    orderId: number
    number: string
    amount: string
    total: string
    issueDate: Date | string
  }>
  for (const cn of returns) {
    const a = byOrder.get(cn.orderId)!
    const share = Money.min(new Money(cn.amount).div(cn.total), 1)
    accruals.push({
      partnerId: a.partnerId,
      planId: a.planId,
      orderId: cn.orderId,
      kind: 'reversal',
      base: money(a.base.times(share).negated()),
      amount: money(a.amount.times(share).negated()),
      period: a.period,
      details: '[]',
      reason: `Credit note ${cn.number}: goods returned`,
      creditNoteId: cn.id,
      status: 'open',
      createdAt: new Date(cn.issueDate).toISOString(),
    })
  }
  // one batch per partner and finished month
  const batches = new Map<
    string,
    { partnerId: number; period: string; total: Money; n: number; status: 'approved' | 'paid' }
  >()
  for (const a of accruals) {
    if (a.status === 'open') continue
    const key = `${String(a.partnerId)}:${String(a.period)}`
    const b = batches.get(key) ?? {
      partnerId: a.partnerId as number,
      period: a.period as string,
      total: new Money(0),
      n: 0,
      status: a.status === 'paid' ? 'paid' : 'approved',
    }
    b.total = b.total.plus(a.amount as string)
    b.n += 1
    batches.set(key, b)
  }
  const monthEnd = (period: string) => Date.UTC(Number(period.slice(0, 4)), Number(period.slice(5, 7)), 1)
  const batchList = [...batches.values()]
  const batchIds = await insertRows<{ id: number }>(
    trx,
    'payout_batches',
    batchList.map((b) => ({
      partnerId: b.partnerId,
      status: b.status,
      total: money(b.total),
      accruals: b.n,
      reference: `PAYOUT-${b.period}-${b.partnerId}`,
      approvedById,
      approvedAt: new Date(Math.min(monthEnd(b.period) + 3 * DAY, now.getTime() - DAY)).toISOString(),
      paidAt:
        b.status === 'paid'
          ? new Date(Math.min(monthEnd(b.period) + 10 * DAY, now.getTime() - DAY)).toISOString()
          : null,
    })),
  )
  const batchOf = new Map(batchList.map((b, i) => [`${b.partnerId}:${b.period}`, batchIds[i]!.id]))
  for (const a of accruals)
    a.payoutBatchId =
      a.status === 'open' ? null : (batchOf.get(`${String(a.partnerId)}:${String(a.period)}`) ?? null)
  await insertRows(trx, 'commission_accruals', accruals, ['id'], 1000)
  return { plans: ids.length, accruals: accruals.length, batches: batchIds.length }
}
