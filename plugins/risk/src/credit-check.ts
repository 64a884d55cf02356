import type { Knex } from 'knex'
import {
  exposure,
  INVOICE_OPEN,
  limitSql,
  type CreditSubject,
  type OverdueInvoice,
  type SubjectColumn,
} from './exposure.js'
import { DEFAULT_POLICY } from './policy.js'
import { prepared, Money, money } from '@plume/core'

/** One failed check, kept on the hold record. */
export interface HoldReason {
  check: 'customer-limit' | 'partner-limit' | 'overdue'
  message: string
  exposure?: string
  limit?: string
  invoices?: Array<{
    id: number
    number: string | null
    dueDate: string
    balance: string
    daysOverdue: number
  }>
}

/** The credit facts of one buyer (see `creditFacts`). */
export interface CreditFacts {
  overdueDays: number
  checkLimits: boolean
  customerLimit: string | null
  partnerLimit: string | null
  overdue: OverdueInvoice[] | string
}

const LIMIT = (col: SubjectColumn, of: string) => `(${limitSql(col, of, ':day::date')})::text`

/** Whose credit is checked: a buyer, or the buyer of an order (read in the same statement). */
export type CreditFactsOf = { customerId: number; partnerId: number | null } | { orderId: number }

/**
 * Everything the check needs that concurrent submits cannot change, in one round trip: the
 * policy (newest active, else the defaults), the limits in force and the overdue invoices.
 * Given an order id it reads the order's buyer itself, so it can be sent before the order row
 * is known (the submit sends it right behind the order's lock).
 */
export async function creditFacts(
  trx: Knex.Transaction,
  of: CreditFactsOf,
  date = new Date(),
): Promise<CreditFacts> {
  const byOrder = 'orderId' in of
  const rows = await prepared<CreditFacts>(
    trx,
    trx.raw(
      `with who as (
       select case when :orderId::int is null then :customerId::int else o."customerId" end as cid,
              case when :orderId::int is null then :partnerId::int else o."partnerId" end as pid
         from (select 1) one left join orders o on o.id = :orderId::int),
     pol as (
       select coalesce(p."overdueDays", :days::int) as "overdueDays", coalesce(p."checkLimits", :check::boolean) as "checkLimits"
         from (select 1) one left join lateral (select "overdueDays", "checkLimits" from credit_policies where active order by id desc limit 1) p on true)
     select pol."overdueDays", pol."checkLimits", ${LIMIT('"customerId"', 'who.cid')} as "customerLimit",
            case when who.pid is null then null else ${LIMIT('"partnerId"', 'who.pid')} end as "partnerLimit",
            (select coalesce(json_agg(o order by o."dueDate", o.id), '[]') from (
               select i.id, i.number, to_char(i."dueDate", 'YYYY-MM-DD') as "dueDate", ${INVOICE_OPEN}::text as balance, (:day::date - i."dueDate"::date) as "daysOverdue"
                 from invoices i
                where i."customerId" = who.cid and i.status in ('issued', 'partially_paid') and ${INVOICE_OPEN} > 0
                  and i."dueDate" is not null and i."dueDate"::date < :day::date - pol."overdueDays") o) as overdue
       from pol, who`,
      {
        days: DEFAULT_POLICY.overdueDays,
        check: DEFAULT_POLICY.checkLimits,
        orderId: byOrder ? of.orderId : null,
        customerId: byOrder ? null : of.customerId,
        partnerId: byOrder ? null : of.partnerId,
        day: date.toISOString().slice(0, 10),
      },
    ),
    'risk_credit_facts',
  )
  return rows[0]!
}

function overLimit(total: string, limit: string, who: CreditSubject, label: string): HoldReason | null {
  if (new Money(total).lessThanOrEqualTo(limit)) return null
  return {
    check: who.customerId !== undefined ? 'customer-limit' : 'partner-limit',
    message: `${label} credit limit exceeded: exposure ${total} over limit ${limit}`,
    exposure: total,
    limit,
  }
}

/**
 * The credit check of a submitted order (its own total already in the exposure): customer
 * limit, partner limit, invoices overdue past the policy's days. When a limit applies, the
 * customer (and partner) row is locked before the exposure is read, so concurrent submits of
 * one buyer are checked one after the other; without limits nothing is locked.
 * `known`: the facts when already read (e.g. sent behind the order's lock).
 * @example const reasons = await creditCheck(trx, { customerId: 3, partnerId: null })
 */
export async function creditCheck(
  trx: Knex.Transaction,
  order: { customerId: number; partnerId: number | null },
  known?: CreditFacts,
): Promise<HoldReason[]> {
  const f = known ?? (await creditFacts(trx, order))
  const reasons: HoldReason[] = []
  const customerLimit = f.checkLimits && f.customerLimit !== null ? money(f.customerLimit) : null
  const partnerLimit =
    f.checkLimits && order.partnerId && f.partnerLimit !== null ? money(f.partnerLimit) : null
  if (customerLimit !== null || partnerLimit !== null) {
    // the lock first, in its own statement: the exposure read after it sees every submit committed before
    await trx.raw(
      `with c as (select id from customers where id = ? and ?::boolean for update), p as (select id from partners where id = ? for update)
       select (select count(*) from c) as c, (select count(*) from p) as p`,
      [order.customerId, customerLimit !== null, partnerLimit !== null ? order.partnerId : 0],
    )
    if (customerLimit !== null) {
      const r = overLimit(
        (await exposure(trx, { customerId: order.customerId })).total,
        customerLimit,
        { customerId: order.customerId },
        'customer',
      )
      if (r) reasons.push(r)
    }
    if (partnerLimit !== null) {
      const r = overLimit(
        (await exposure(trx, { partnerId: order.partnerId! })).total,
        partnerLimit,
        { partnerId: order.partnerId! },
        'partner',
      )
      if (r) reasons.push(r)
    }
  }
  const overdue = (
    typeof f.overdue === 'string' ? (JSON.parse(f.overdue) as OverdueInvoice[]) : f.overdue
  ).map((r) => ({ ...r, balance: money(r.balance), daysOverdue: Number(r.daysOverdue) }))
  if (overdue.length) {
    const oldest = overdue[0]!
    const balance = overdue.reduce((s, i) => s.plus(i.balance), new Money(0))
    reasons.push({
      check: 'overdue',
      message: `${overdue.length} invoice(s) overdue by more than ${f.overdueDays} days (${balance.toFixed(2)} unpaid; oldest ${oldest.number ?? `#${oldest.id}`} due ${oldest.dueDate})`,
      invoices: overdue,
    })
  }
  return reasons
}
