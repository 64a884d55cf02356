import type { Knex } from 'knex'
import { money, todayUtc } from '../money.js'
import { agingReport, type Figures } from './aging.js'

export interface StatementEntry {
  /** `void`: an issued invoice voided later, a credit of its total on the day it was voided. */
  type: 'invoice' | 'payment' | 'credit_note' | 'void'
  id: number
  /** Invoice or credit note number; the payment's reference (or method). */
  reference: string
  date: string
  /** Invoices only. */
  dueDate: string | null
  debit: string
  credit: string
  /** Running balance after this entry (what the customer owes; negative: in credit). */
  balance: string
}

export interface Statement {
  customerId: number
  code: string
  name: string
  currency: string
  from: string | null
  to: string
  openingBalance: string
  entries: StatementEntry[]
  closingBalance: string
  aging: Figures
}

/** A void that had been issued (on or before the day it was voided). */
const VOIDED_AFTER_ISSUE = `i.status = 'void' and i."issueDate" is not null and i."voidedAt" is not null and i."issueDate" <= (i."voidedAt" at time zone 'UTC')::date`

export interface StatementRange {
  from?: string
  to?: string
  currency?: string
}

/**
 * Every document of one customer in one currency, dated (UTC): invoices debit, payments and
 * credit notes credit; an issued invoice that was voided debits on its issue date and credits on
 * the day it was voided (open until then, as open-as-of.ts counts it).
 */
const ENTRIES = `
  select 'invoice' as type, 1 as ord, i.id, i.number as reference, i."issueDate" as day, i."dueDate" as due, i.total as debit, 0::numeric as credit
  from invoices i where i."customerId" = ? and i.currency = ? and (i.status in ('issued', 'partially_paid', 'paid') or (${VOIDED_AFTER_ISSUE}))
  union all
  select 'void', 4, i.id, i.number, (i."voidedAt" at time zone 'UTC')::date, null, 0, i.total
  from invoices i where i."customerId" = ? and i.currency = ? and ${VOIDED_AFTER_ISSUE}
  union all
  select 'payment', 2, p.id, coalesce(p.reference, p.method), (p."receivedAt" at time zone 'UTC')::date, null, 0, p.amount
  from payments p where p."customerId" = ? and p.currency = ?
  union all
  select 'credit_note', 3, n.id, n.number, n."issueDate", null, 0, n.amount
  from credit_notes n where n."customerId" = ? and n.currency = ? and n.status in ('issued', 'applied')`

/**
 * A customer's statement: invoices, payments and credit notes between `from` and `to` (dates,
 * UTC; default: everything up to today) with the running balance computed in SQL by a window
 * sum (exact numeric), the opening balance before `from`, and the customer's aging as of `to`.
 * @example const s = await customerStatement(knex, 4, { from: '2026-01-01', to: '2026-11-25' })
 */
export async function customerStatement(
  db: Knex | Knex.Transaction,
  customer: { id: number; code: string; name: string; currency: string },
  range: StatementRange = {},
): Promise<Statement> {
  const to = range.to ?? todayUtc()
  const from = range.from ?? null
  const currency = range.currency ?? customer.currency
  const docs = [customer.id, currency, customer.id, currency, customer.id, currency, customer.id, currency]
  const res = (await db.raw(
    `with e as (${ENTRIES}),
     r as (select e.*, sum(debit - credit) over (order by day, ord, id rows between unbounded preceding and current row) as balance from e where day <= ?::date)
     select type, id, reference, day::text as date, due::text as "dueDate", debit::text as debit, credit::text as credit, balance::text as balance
     from r where ?::date is null or day >= ?::date order by day, ord, id`,
    [...docs, to, from, from],
  )) as { rows: Array<Record<string, unknown>> }
  const sums = (await db.raw(
    `with e as (${ENTRIES})
     select coalesce(sum(debit - credit) filter (where ?::date is not null and day < ?::date), 0)::text as opening,
            coalesce(sum(debit - credit) filter (where day <= ?::date), 0)::text as closing
     from e`,
    [...docs, from, from, to],
  )) as { rows: Array<{ opening: string; closing: string }> }
  const entries: StatementEntry[] = res.rows.map((r) => ({
    type: r.type as StatementEntry['type'],
    id: Number(r.id),
    reference: String(r.reference ?? ''),
    date: String(r.date),
    dueDate: r.dueDate === null ? null : String(r.dueDate),
    debit: money(String(r.debit)),
    credit: money(String(r.credit)),
    balance: money(String(r.balance)),
  }))
  const aging = await agingReport(db, { asOf: to, customerId: customer.id, currency })
  const zero = {
    current: '0.00',
    days1to30: '0.00',
    days31to60: '0.00',
    days61to90: '0.00',
    over90: '0.00',
    open: '0.00',
    credit: '0.00',
    balance: '0.00',
  }
  const {
    customerId: _c,
    code: _k,
    name: _n,
    partnerId: _p,
    currency: _cur,
    ...figures
  } = aging.customers[0] ?? { customerId: 0, code: '', name: '', partnerId: null, currency, ...zero }
  return {
    customerId: customer.id,
    code: customer.code,
    name: customer.name,
    currency,
    from,
    to,
    openingBalance: money(sums.rows[0]!.opening),
    entries,
    closingBalance: money(sums.rows[0]!.closing),
    aging: figures,
  }
}
