import type { Knex } from 'knex'
import { Money, money } from '@plume/plugin-orders'

/** Whose credit: a customer or a partner (exactly one). */
export type CreditSubject = { customerId: number; partnerId?: undefined } | { partnerId: number; customerId?: undefined }

export interface Exposure {
  /** Σ totals of submitted, approved, shipped and delivered orders that no live invoice bills yet. */
  openOrders: string
  /** Σ (total − amountPaid − creditTotal) of invoices neither paid nor void. */
  unpaidInvoices: string
  total: string
}

/** Order states whose money is owed to us but not yet on an invoice. */
export const OPEN_ORDER_STATES = ['submitted', 'approved', 'shipped', 'delivered']
/**
 * What is still owed on an invoice (alias `i`): total − paid − credited. `creditTotal` is added by
 * the finance plugin; read through to_jsonb so the query also runs where it is not installed.
 */
export const INVOICE_OPEN = `(i.total - i."amountPaid" - coalesce((to_jsonb(i) ->> 'creditTotal')::numeric, 0))`

/** Invoice states that still carry a balance. */
export const OPEN_INVOICE_STATES = ['draft', 'issued', 'partially_paid']

const column = (s: CreditSubject) => (s.customerId !== undefined ? { col: '"customerId"', id: s.customerId } : { col: '"partnerId"', id: s.partnerId })

/**
 * Credit exposure of a customer or a partner — the one definition used by the credit check,
 * the risk score and `GET /api/credit-exposure`: open orders not yet invoiced (an order on a
 * live invoice counts through the invoice only, never twice) plus unpaid invoice balances.
 * Invoices are only written by the finance plugin; without it the invoice part is zero.
 * @example const { total } = await exposure(trx, { customerId: 42 })
 */
export async function exposure(trx: Knex | Knex.Transaction, who: CreditSubject): Promise<Exposure> {
  const { col, id } = column(who)
  const res = await trx.raw(
    `select
       (select coalesce(sum(o.total), 0)::text from orders o
         where o.${col} = :id and o.status = any(:orderStates::text[])
           and not exists (select 1 from invoice_lines il join invoices i on i.id = il."invoiceId" where il."orderId" = o.id and i.status <> 'void')) as "openOrders",
       (select coalesce(sum(${INVOICE_OPEN}), 0)::text from invoices i
         where i.${col} = :id and i.status = any(:invoiceStates::text[])) as "unpaidInvoices"`,
    { id, orderStates: OPEN_ORDER_STATES, invoiceStates: OPEN_INVOICE_STATES },
  )
  const row = (res as { rows: Array<{ openOrders: string; unpaidInvoices: string }> }).rows[0]!
  return { openOrders: money(row.openOrders), unpaidInvoices: money(row.unpaidInvoices), total: money(new Money(row.openOrders).plus(row.unpaidInvoices)) }
}

/**
 * The credit limit in force on `date` (UTC day): the `credit_limits` row of the subject whose
 * window contains the date, the latest `validFrom` winning. No row → no limit (null).
 * @example await currentLimit(trx, { customerId: 42 }) // '10000.00' or null
 */
export async function currentLimit(trx: Knex | Knex.Transaction, who: CreditSubject, date = new Date()): Promise<string | null> {
  const day = date.toISOString().slice(0, 10)
  const q = trx('credit_limits')
    .where('validFrom', '<=', day)
    .andWhere((w) => w.whereNull('validTo').orWhere('validTo', '>=', day))
    .orderBy([{ column: 'validFrom', order: 'desc' }, { column: 'id', order: 'desc' }])
    .first(trx.raw('amount::text as amount'))
  const row = (await (who.customerId !== undefined ? q.where('customerId', who.customerId) : q.where('partnerId', who.partnerId))) as { amount: string } | undefined
  return row ? money(row.amount) : null
}

export interface OverdueInvoice {
  id: number
  number: string | null
  dueDate: string
  balance: string
  daysOverdue: number
}

/**
 * Unpaid issued invoices of a subject past their due date by more than `graceDays`, oldest first.
 * @example await overdueInvoices(trx, { customerId: 42 }, 30)
 */
export async function overdueInvoices(trx: Knex | Knex.Transaction, who: CreditSubject, graceDays: number, date = new Date()): Promise<OverdueInvoice[]> {
  const { col, id } = column(who)
  const res = await trx.raw(
    `select i.id, i.number, to_char(i."dueDate", 'YYYY-MM-DD') as "dueDate", ${INVOICE_OPEN}::text as balance, (:day::date - i."dueDate"::date) as "daysOverdue"
       from invoices i
      where i.${col} = :id and i.status in ('issued', 'partially_paid') and ${INVOICE_OPEN} > 0
        and i."dueDate" is not null and i."dueDate"::date < :day::date - :grace::int
      order by i."dueDate", i.id`,
    { id, day: date.toISOString().slice(0, 10), grace: graceDays },
  )
  return (res as { rows: OverdueInvoice[] }).rows.map((r) => ({ ...r, balance: money(r.balance), daysOverdue: Number(r.daysOverdue) }))
}
