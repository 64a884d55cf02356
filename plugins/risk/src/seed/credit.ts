import { insertRows, seededRandom } from '@plume/core'
import type { Knex } from 'knex'
import type { CreditSubject } from '../exposure.js'
import { riskScore } from '../score.js'

const DAY = 86_400_000
const day = (t: number) => new Date(t).toISOString().slice(0, 10)

/**
 * Credit limits as finance approved them: one per active partner (its contract amount, for a
 * year), and for about a third of the direct customers an earlier, lower limit raised four months
 * ago to the current one — the same amounts as the records' `creditLimit`, so nothing changes.
 */
export async function seedCreditLimits(
  trx: Knex.Transaction,
  approvedById: number | null,
  now = Date.now(),
): Promise<number> {
  const r = seededRandom(20260707)
  const partners = (await trx('partners')
    .select('id', 'creditLimit')
    .where('status', 'active')
    .whereNotNull('creditLimit')
    .orderBy('id')) as Array<{ id: number; creditLimit: string }>
  const customers = (await trx('customers')
    .select('id', 'creditLimit', 'createdAt')
    .whereNull('partnerId')
    .whereNotNull('creditLimit')
    .orderBy('id')) as Array<{ id: number; creditLimit: string; createdAt: Date | string }>
  const rows: Array<Record<string, unknown>> = partners.map((p) => ({
    partnerId: p.id,
    amount: String(p.creditLimit),
    currency: 'CNY',
    validFrom: day(now - 200 * DAY),
    validTo: day(now + 165 * DAY),
    approvedById,
    note: 'Annual partner credit line',
  }))
  for (const c of customers) {
    if (!r.chance(0.33)) continue
    const joined = new Date(c.createdAt).getTime()
    const raised = now - 120 * DAY
    if (joined < raised - 30 * DAY) {
      const earlier = (Number(c.creditLimit) * 0.6).toFixed(2)
      rows.push({
        customerId: c.id,
        amount: earlier,
        currency: 'CNY',
        validFrom: day(Math.max(joined, now - 500 * DAY)),
        validTo: day(raised - DAY),
        approvedById,
        note: 'Opening credit line',
      })
    }
    rows.push({
      customerId: c.id,
      amount: String(c.creditLimit),
      currency: 'CNY',
      validFrom: day(Math.max(joined, raised)),
      validTo: null,
      approvedById,
      note: joined < raised - 30 * DAY ? 'Raised after a year of on-time payments' : 'Opening credit line',
    })
  }
  return (await insertRows(trx, 'credit_limits', rows)).length
}

/**
 * Risk scores as the live scoring computes them (score.ts): every active partner, now and one
 * and two months ago, and the `watched` customers with the largest open invoice balance — the
 * ones credit control looks at (the others are scored by the live scoring at their next order;
 * scoring all 1,000 would slow the first start down for little).
 */
export async function seedRiskAssessments(
  trx: Knex.Transaction,
  now = Date.now(),
  watched = 100,
): Promise<number> {
  const customers = (await trx('invoices')
    .select('customerId as id')
    .whereIn('status', ['issued', 'partially_paid'])
    .groupBy('customerId')
    .orderByRaw('sum(total - "amountPaid" - "creditTotal") desc, "customerId"')
    .limit(watched)) as Array<{ id: number }>
  const partners = (await trx('partners').select('id').where('status', 'active').orderBy('id')) as Array<{
    id: number
  }>
  const asked: Array<{ who: CreditSubject; at: number }> = [
    ...partners.flatMap((p) =>
      [2, 1, 0].map((months) => ({ who: { partnerId: p.id }, at: now - months * 30 * DAY })),
    ),
    ...customers.map((c) => ({ who: { customerId: c.id }, at: now })),
  ]
  const rows: Array<Record<string, unknown>> = []
  // in groups: on PostgreSQL a group's statements travel together (pipelined)
  for (let i = 0; i < asked.length; i += 20) {
    const group = asked.slice(i, i + 20)
    const scores = await Promise.all(group.map((a) => riskScore(trx, a.who, new Date(a.at))))
    group.forEach(({ who, at }, j) =>
      rows.push({
        customerId: who.customerId ?? null,
        partnerId: who.partnerId ?? null,
        score: scores[j]!.score,
        level: scores[j]!.level,
        reasons: JSON.stringify(scores[j]!.reasons),
        assessedAt: new Date(at).toISOString(),
      }),
    )
  }
  return (await insertRows(trx, 'risk_assessments', rows)).length
}
