import type { Knex } from 'knex'
import { defer, prepared, Money, money } from '@plume/core'
import { exposure, INVOICE_OPEN, limitSql, OPEN_INVOICE_STATES, type CreditSubject } from './exposure.js'

export type RiskLevel = 'low' | 'medium' | 'high' | 'critical'

export interface RiskScore {
  score: number
  level: RiskLevel
  reasons: string[]
}

/** Points per factor (they add up to 100). */
export const WEIGHTS = { overdue: 40, limit: 30, spike: 15, returns: 15 } as const
/** An order counts as a spike above this multiple of the average of the ones before it. */
export const SPIKE_FACTOR = 3
/** Returns at this share of the invoiced value earn all the return points. */
export const RETURN_RATE_FULL = new Money('0.2')

const pct = (v: Money) => `${v.times(100).toDecimalPlaces(1).toFixed(1)}%`
const ONE = new Money(1)

/** 0–100 → level: below 25 low, below 50 medium, below 75 high, else critical. */
export const levelOf = (score: number): RiskLevel =>
  score < 25 ? 'low' : score < 50 ? 'medium' : score < 75 ? 'high' : 'critical'

/**
 * Risk score of a customer or a partner with its reasons, from four factors: overdue ratio
 * (overdue ÷ open invoice balance, ×40), limit usage (exposure ÷ limit capped at 1, ×30), an
 * order-value spike (latest order > 3× the average of the up to 10 before it, +15) and the
 * return rate (credit notes ÷ invoiced, reaching 20% → 15). Rounded half up to an integer.
 * @example const { score, level, reasons } = await riskScore(trx, { customerId: 7 })
 */
export async function riskScore(
  trx: Knex | Knex.Transaction,
  who: CreditSubject,
  date = new Date(),
): Promise<RiskScore> {
  const col = who.customerId !== undefined ? ('"customerId"' as const) : ('"partnerId"' as const)
  const id = who.customerId ?? who.partnerId
  const day = date.toISOString().slice(0, 10)
  // a prepared statement: its six sub-selects are planned once per connection, not per submit
  const rows = await prepared<{
    openBalance: string
    overdueBalance: string
    invoiced: string
    returned: string
    recent: string[] | string
    limit: string | null
  }>(
    trx,
    trx.raw(
      `select
       (select coalesce(sum(${INVOICE_OPEN}), 0)::text from invoices i where i.${col} = :id and i.status = any(:open::text[])) as "openBalance",
       (select coalesce(sum(${INVOICE_OPEN}), 0)::text from invoices i where i.${col} = :id and i.status in ('issued', 'partially_paid') and i."dueDate" is not null and i."dueDate"::date < :day::date) as "overdueBalance",
       (select coalesce(sum(total), 0)::text from invoices where ${col} = :id and status not in ('draft', 'void')) as invoiced,
       (select coalesce(sum(cn.amount), 0)::text from credit_notes cn ${who.customerId !== undefined ? 'where cn."customerId" = :id' : 'join invoices i on i.id = cn."invoiceId" where i."partnerId" = :id'} and cn.status in ('issued', 'applied')) as returned,
       (select coalesce(json_agg(t.total::text order by t."submittedAt" desc, t.id desc), '[]') from (
          select id, total, "submittedAt" from orders where ${col} = :id and status not in ('draft', 'cancelled') and "submittedAt" is not null order by "submittedAt" desc, id desc limit 11) t) as recent,
       (${limitSql(col, ':id', ':day::date')})::text as "limit"`,
      { id, open: OPEN_INVOICE_STATES, day },
    ),
    'risk_score',
  )
  const row = rows[0]!
  const recent = (typeof row.recent === 'string' ? (JSON.parse(row.recent) as string[]) : row.recent).map(
    (t) => new Money(t),
  )
  let points = new Money(0)
  const reasons: string[] = []

  const open = new Money(row.openBalance)
  const overdue = new Money(row.overdueBalance)
  if (open.greaterThan(0) && overdue.greaterThan(0)) {
    const ratio = Money.min(overdue.div(open), ONE)
    points = points.plus(ratio.times(WEIGHTS.overdue))
    reasons.push(`overdue ratio ${pct(ratio)} (${overdue.toFixed(2)} of ${open.toFixed(2)} open)`)
  }
  // the limit in force, as currentLimit() reads it, from the same query
  const limit = row.limit === null ? null : money(row.limit)
  if (limit !== null) {
    const exp = new Money((await exposure(trx, who)).total)
    const usage = new Money(limit).isZero()
      ? exp.greaterThan(0)
        ? ONE
        : new Money(0)
      : Money.min(exp.div(limit), ONE)
    if (usage.greaterThan(0)) {
      points = points.plus(usage.times(WEIGHTS.limit))
      reasons.push(
        `limit usage ${pct(exp.div(new Money(limit).isZero() ? 1 : limit))} (${exp.toFixed(2)} of ${limit})`,
      )
    }
  }
  const [latest, ...before] = recent
  if (latest && before.length >= 3) {
    const avg = before.reduce((s, t) => s.plus(t), new Money(0)).div(before.length)
    if (avg.greaterThan(0) && latest.greaterThan(avg.times(SPIKE_FACTOR))) {
      points = points.plus(WEIGHTS.spike)
      reasons.push(
        `order value spike: ${latest.toFixed(2)} is ${latest.div(avg).toDecimalPlaces(1).toFixed(1)}× the average ${avg.toFixed(2)} of the ${before.length} orders before`,
      )
    }
  }
  const invoiced = new Money(row.invoiced)
  const returned = new Money(row.returned)
  if (invoiced.greaterThan(0) && returned.greaterThan(0)) {
    const rate = returned.div(invoiced)
    points = points.plus(Money.min(rate.div(RETURN_RATE_FULL), ONE).times(WEIGHTS.returns))
    reasons.push(
      `return rate ${pct(rate)} (${returned.toFixed(2)} credited of ${invoiced.toFixed(2)} invoiced)`,
    )
  }
  const score = Math.min(100, points.toDecimalPlaces(0, Money.ROUND_HALF_UP).toNumber())
  return { score, level: levelOf(score), reasons }
}

/**
 * Recomputes the score and appends a `risk_assessments` row when score or reasons changed
 * since the subject's last assessment. Returns the (new or unchanged) score.
 */
export async function assess(trx: Knex | Knex.Transaction, who: CreditSubject): Promise<RiskScore> {
  const q = trx('risk_assessments')
    .orderBy([
      { column: 'assessedAt', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .first('score', 'reasons')
  // the score and the last assessment are read together (one round trip on a pipelined connection)
  const [s, [last]] = await Promise.all([
    riskScore(trx, who),
    prepared<{ score: number; reasons: string[] | string }>(
      trx,
      who.customerId !== undefined
        ? q.where('customerId', who.customerId)
        : q.where('partnerId', who.partnerId),
      'risk_last_assessment',
    ),
  ])
  const lastReasons =
    typeof last?.reasons === 'string' ? (JSON.parse(last.reasons) as string[]) : last?.reasons
  if (last && last.score === s.score && JSON.stringify(lastReasons) === JSON.stringify(s.reasons)) return s
  const row = {
    customerId: who.customerId ?? null,
    partnerId: who.partnerId ?? null,
    score: s.score,
    level: s.level,
    reasons: JSON.stringify(s.reasons),
    assessedAt: new Date().toISOString(),
  }
  // nobody reads the insert's answer: in a transaction `commit()` finishes, it goes out with the COMMIT
  await defer(trx, trx('risk_assessments').insert(row))
  return s
}

/** Assesses the customer and the partner of an order. */
export async function assessOrder(
  trx: Knex | Knex.Transaction,
  order: { customerId?: unknown; partnerId?: unknown },
): Promise<void> {
  if (typeof order.customerId === 'number') await assess(trx, { customerId: order.customerId })
  if (typeof order.partnerId === 'number') await assess(trx, { partnerId: order.partnerId })
}
