import type { Knex } from 'knex'

/*
 * **The** definition of what is open on an invoice as of a date D (UTC, end of day). The
 * receivables service (`/api/ar`, statements) and reports over invoices (through the as-of
 * source the plugin registers) all read it from here:
 * - an invoice counts from its issue date; drafts never; a void counts until the day it was
 *   voided (voided after D, it is open on D like any issued invoice);
 * - a payment allocation counts from the later of the payment's receipt (UTC date) and the
 *   invoice's issue date;
 * - a credit note applied to the invoice counts from the later of both issue dates;
 * - open = total − paid − credited; the status on D follows from them (`paid` at 0,
 *   `partially_paid` once something was paid or credited, else `issued`).
 */

/** SQL with its positional bindings, to embed as a sub-query. */
export interface SqlFragment {
  sql: string
  bindings: Knex.RawBinding[]
}

/** Allocations counted on D: `invoiceId, paymentId, amount`. */
export function allocationsAsOf(asOf: string): SqlFragment {
  return {
    sql: `select a."invoiceId", a."paymentId", a.amount
      from payment_allocations a join payments p on p.id = a."paymentId" join invoices i on i.id = a."invoiceId"
      where greatest((p."receivedAt" at time zone 'UTC')::date, i."issueDate") <= ?::date`,
    bindings: [asOf],
  }
}

/** Credit notes applied to an invoice, counted on D: `id, invoiceId, amount`. */
export function appliedCreditsAsOf(asOf: string): SqlFragment {
  return {
    sql: `select n.id, n."invoiceId", n.amount
      from credit_notes n join invoices i on i.id = n."invoiceId"
      where n.status = 'applied' and greatest(n."issueDate", i."issueDate") <= ?::date`,
    bindings: [asOf],
  }
}

/** Statuses of an invoice on D in which something is still to collect. */
export const OPEN_ON_DATE = ['issued', 'partially_paid'] as const

/**
 * Every invoice with its figures as of D: `id, status, paid, credited, open` (status `draft` for
 * one not issued by D, `void` for one voided by D; these have nothing paid, credited or open).
 * @example await knex.raw(`select * from (${f.sql}) x where status in ('issued', 'partially_paid')`, f.bindings) // f = invoiceFiguresAsOf('2026-11-25')
 */
export function invoiceFiguresAsOf(asOf: string): SqlFragment {
  const alloc = allocationsAsOf(asOf)
  const credits = appliedCreditsAsOf(asOf)
  return {
    sql: `select id, case when stage = 'counted' then case when open <= 0 then 'paid' when paid + credited > 0 then 'partially_paid' else 'issued' end else stage end as status,
        case when stage = 'counted' then paid else 0 end as paid, case when stage = 'counted' then credited else 0 end as credited,
        case when stage = 'counted' then open else 0 end as open
      from (select i.id,
          case when i.status = 'void' and (i."voidedAt" is null or (i."voidedAt" at time zone 'UTC')::date <= ?::date) then 'void'
               when i.status = 'draft' or i."issueDate" is null or i."issueDate" > ?::date then 'draft'
               else 'counted' end as stage,
          coalesce(pa.s, 0) as paid, coalesce(cr.s, 0) as credited, i.total - coalesce(pa.s, 0) - coalesce(cr.s, 0) as open
        from invoices i
        left join (select "invoiceId", sum(amount) as s from (${alloc.sql}) al group by "invoiceId") pa on pa."invoiceId" = i.id
        left join (select "invoiceId", sum(amount) as s from (${credits.sql}) cn group by "invoiceId") cr on cr."invoiceId" = i.id) f`,
    bindings: [asOf, asOf, ...alloc.bindings, ...credits.bindings],
  }
}

/**
 * The `invoices` table as it stood on D: every column, with `status`, `amountPaid` and
 * `creditTotal` as of D (see invoiceFiguresAsOf). Reports read invoices through this.
 * @example const t = invoiceRowsAsOf('2026-06-30') // select … from (t.sql) invoices
 */
export function invoiceRowsAsOf(asOf: string): SqlFragment {
  const f = invoiceFiguresAsOf(asOf)
  return {
    sql: `select (jsonb_populate_record(i, jsonb_build_object('status', x.status, 'amountPaid', x.paid, 'creditTotal', x.credited))).*
      from invoices i join (${f.sql}) x on x.id = i.id`,
    bindings: f.bindings,
  }
}
