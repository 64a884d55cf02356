import type { Knex } from 'knex'
import { Money } from '@plume/plugin-orders'
import { currentLimit, exposure, overdueInvoices, type CreditSubject } from './exposure.js'
import { creditPolicy } from './policy.js'

/** One failed check, kept on the hold record. */
export interface HoldReason {
  check: 'customer-limit' | 'partner-limit' | 'overdue'
  message: string
  exposure?: string
  limit?: string
  invoices?: Array<{ id: number; number: string | null; dueDate: string; balance: string; daysOverdue: number }>
}

async function overLimit(trx: Knex.Transaction, who: CreditSubject, label: string): Promise<HoldReason | null> {
  const limit = await currentLimit(trx, who)
  if (limit === null) return null
  const exp = await exposure(trx, who)
  if (new Money(exp.total).lessThanOrEqualTo(limit)) return null
  return { check: who.customerId !== undefined ? 'customer-limit' : 'partner-limit', message: `${label} credit limit exceeded: exposure ${exp.total} over limit ${limit}`, exposure: exp.total, limit }
}

/**
 * The credit check of a submitted order (its own total already in the exposure): customer
 * limit, partner limit, invoices overdue past the policy's days. Locks the customer (and
 * partner) row first so concurrent submits of one buyer are checked one after the other.
 * @example const reasons = await creditCheck(trx, { customerId: 3, partnerId: null })
 */
export async function creditCheck(trx: Knex.Transaction, order: { customerId: number; partnerId: number | null }): Promise<HoldReason[]> {
  await trx('customers').where('id', order.customerId).forUpdate().first('id')
  if (order.partnerId) await trx('partners').where('id', order.partnerId).forUpdate().first('id')
  const policy = await creditPolicy(trx)
  const reasons: HoldReason[] = []
  if (policy.checkLimits) {
    const c = await overLimit(trx, { customerId: order.customerId }, 'customer')
    if (c) reasons.push(c)
    const p = order.partnerId ? await overLimit(trx, { partnerId: order.partnerId }, 'partner') : null
    if (p) reasons.push(p)
  }
  const overdue = await overdueInvoices(trx, { customerId: order.customerId }, policy.overdueDays)
  if (overdue.length) {
    const oldest = overdue[0]!
    const balance = overdue.reduce((s, i) => s.plus(i.balance), new Money(0))
    reasons.push({
      check: 'overdue',
      message: `${overdue.length} invoice(s) overdue by more than ${policy.overdueDays} days (${balance.toFixed(2)} unpaid; oldest ${oldest.number ?? `#${oldest.id}`} due ${oldest.dueDate})`,
      invoices: overdue,
    })
  }
  return reasons
}
