import { money } from '@plume/core'
import type { Knex } from 'knex'

/** Whose credit: a customer or a partner (exactly one). */
export type CreditSubject =
  { customerId: number; partnerId?: undefined } | { partnerId: number; customerId?: undefined }

export interface Exposure {
  /** Σ totals of submitted, approved, shipped, delivered and closed orders that no live invoice bills yet. */
  openOrders: string
  /** Σ (total − amountPaid − creditTotal) of invoices neither paid nor void. */
  unpaidInvoices: string
  /** Σ `unallocated` of payments: cash received and not yet allocated to an invoice. */
  unallocatedPayments: string
  /** Σ amounts of issued credit notes not yet applied to an invoice. */
  unappliedCredits: string
  /** openOrders + unpaidInvoices − unallocatedPayments − unappliedCredits (negative: the buyer is in credit). */
  total: string
}

/**
 * Order states whose money is owed to us but may not be on an invoice yet. `closed` comes only
 * from `delivered`: a delivered order closed before it was invoiced is still owed.
 */
export const OPEN_ORDER_STATES = ['submitted', 'approved', 'shipped', 'delivered', 'closed']
/**
 * What is still owed on an invoice (alias `i`): total − paid − credited. `creditTotal` is added by
 * the finance plugin; read through to_jsonb so the query also runs where it is not installed.
 */
export const INVOICE_OPEN = `(i.total - i."amountPaid" - coalesce((to_jsonb(i) ->> 'creditTotal')::numeric, 0))`

/** Invoice states that still carry a balance. */
export const OPEN_INVOICE_STATES = ['draft', 'issued', 'partially_paid']

export type SubjectColumn = '"customerId"' | '"partnerId"'
const column = (s: CreditSubject): { col: SubjectColumn; id: number } =>
  s.customerId !== undefined
    ? { col: '"customerId"', id: s.customerId }
    : { col: '"partnerId"', id: s.partnerId }
const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ')

/**
 * **The** exposure definition as SQL: one row with the four parts (`numeric`) for the subject
 * whose id is the SQL expression `id` (`:id::int`, `c.id`…) — open orders not yet invoiced (an
 * order on a live invoice counts through the invoice only, never twice), open invoice balances,
 * unallocated cash and unapplied credit notes. A partner's credit notes are those of the
 * invoices it sold (else of the customers it serves). `exceptOrder`: an order id expression left
 * out (an automation fact adds the triggering order itself). Used by `exposure()` and by the
 * notifications plugin's exposure facts, so every figure called "exposure" is this one.
 * @example trx.raw(`select e.* from (${exposureSql('"customerId"', ':id::int')}) e`, { id: 42 })
 */
export function exposureSql(col: SubjectColumn, id: string, exceptOrder?: string): string {
  const credits =
    col === '"customerId"'
      ? `from credit_notes n where n."customerId" = ${id}`
      : `from credit_notes n left join invoices ni on ni.id = n."invoiceId" join customers nc on nc.id = n."customerId" where coalesce(ni."partnerId", nc."partnerId") = ${id}`
  return `select
       (select coalesce(sum(o.total), 0) from orders o
         where o.${col} = ${id} and o.status in (${list(OPEN_ORDER_STATES)})${exceptOrder ? ` and o.id <> ${exceptOrder}` : ''}
           and not exists (select 1 from invoice_lines il join invoices i on i.id = il."invoiceId" where il."orderId" = o.id and i.status <> 'void')) as "openOrders",
       (select coalesce(sum(${INVOICE_OPEN}), 0) from invoices i where i.${col} = ${id} and i.status in (${list(OPEN_INVOICE_STATES)})) as "unpaidInvoices",
       (select coalesce(sum(p.unallocated), 0) from payments p where p.${col} = ${id}) as "unallocatedPayments",
       (select coalesce(sum(n.amount), 0) ${credits} and n.status = 'issued') as "unappliedCredits"`
}

/**
 * Credit exposure of a customer or a partner — the one definition used by the credit check,
 * the risk score, `GET /api/credit-exposure` and the automation facts: open orders not yet
 * invoiced plus open invoice balances, less unallocated cash and unapplied credit notes
 * (see {@link exposureSql}). Exact decimals; the total may be negative (in credit).
 * @example const { total } = await exposure(trx, { customerId: 42 })
 */
export async function exposure(trx: Knex | Knex.Transaction, who: CreditSubject): Promise<Exposure> {
  const { col, id } = column(who)
  const res = await trx.raw(
    `select e."openOrders"::text as "openOrders", e."unpaidInvoices"::text as "unpaidInvoices", e."unallocatedPayments"::text as "unallocatedPayments",
            e."unappliedCredits"::text as "unappliedCredits", (e."openOrders" + e."unpaidInvoices" - e."unallocatedPayments" - e."unappliedCredits")::text as total
       from (${exposureSql(col, ':id::int')}) e`,
    { id },
  )
  const row = (res as { rows: Array<Record<keyof Exposure, string>> }).rows[0]!
  return {
    openOrders: money(row.openOrders),
    unpaidInvoices: money(row.unpaidInvoices),
    unallocatedPayments: money(row.unallocatedPayments),
    unappliedCredits: money(row.unappliedCredits),
    total: money(row.total),
  }
}

/**
 * **The** limit definition as SQL (`numeric`, null = no limit) for the subject whose id is the
 * SQL expression `id`, on the UTC day `day` (an SQL date expression): the `credit_limits` row whose
 * window contains the day, the latest `validFrom` winning; without one, the subject's own
 * `creditLimit` field (customer or partner) when it is above 0.00 (0.00, its default, is "not
 * set"). A `0.00` credit-limit row therefore means prepayment; a `0.00` field means no limit.
 * @example trx.raw(`select (${limitSql('"customerId"', ':id::int', ':day::date')})::text as amount`, { id: 42, day: '2026-12-07' })
 */
export function limitSql(col: SubjectColumn, id: string, day: string): string {
  const own = col === '"customerId"' ? 'customers' : 'partners'
  return `coalesce(
       (select l.amount from credit_limits l where l.${col} = ${id} and l."validFrom" <= ${day} and (l."validTo" is null or l."validTo" >= ${day})
         order by l."validFrom" desc, l.id desc limit 1),
       (select nullif(s."creditLimit", 0) from ${own} s where s.id = ${id}))`
}

/**
 * The credit limit in force on `date` (UTC day), see {@link limitSql}: the credit-limit record,
 * else the customer's (partner's) `creditLimit` when set above 0.00, else no limit (null).
 * @example await currentLimit(trx, { customerId: 42 }) // '10000.00' or null
 */
export async function currentLimit(
  trx: Knex | Knex.Transaction,
  who: CreditSubject,
  date = new Date(),
): Promise<string | null> {
  const { col, id } = column(who)
  const res = await trx.raw(`select (${limitSql(col, ':id::int', ':day::date')})::text as amount`, {
    id,
    day: date.toISOString().slice(0, 10),
  })
  const row = (res as { rows: Array<{ amount: string | null }> }).rows[0]
  return row?.amount == null ? null : money(row.amount)
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
export async function overdueInvoices(
  trx: Knex | Knex.Transaction,
  who: CreditSubject,
  graceDays: number,
  date = new Date(),
): Promise<OverdueInvoice[]> {
  const { col, id } = column(who)
  const res = await trx.raw(
    `select i.id, i.number, to_char(i."dueDate", 'YYYY-MM-DD') as "dueDate", ${INVOICE_OPEN}::text as balance, (:day::date - i."dueDate"::date) as "daysOverdue"
       from invoices i
      where i.${col} = :id and i.status in ('issued', 'partially_paid') and ${INVOICE_OPEN} > 0
        and i."dueDate" is not null and i."dueDate"::date < :day::date - :grace::int
      order by i."dueDate", i.id`,
    { id, day: date.toISOString().slice(0, 10), grace: graceDays },
  )
  return (res as { rows: OverdueInvoice[] }).rows.map((r) => ({
    ...r,
    balance: money(r.balance),
    daysOverdue: Number(r.daysOverdue),
  }))
}
