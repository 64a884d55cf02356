import { Conflict, NotFound } from '@feathersjs/errors'
import type { Knex } from 'knex'
import type { PlumeApp } from '@plume/core'
import { bodyOf, invalid, onlyKeys, PREPARED, requireStaff, type FinanceParams } from '../context.js'
import { addDays, isDate, settledStatus, todayUtc } from '../money.js'
import { assertAction, INVOICE_ACTIONS } from '../states.js'
import type { InvoiceRow } from './types.js'

/** The invoice, locked; an action passes the row its lock read (`locked`) instead of reading it again. */
async function lockInvoice(trx: Knex.Transaction, id: number): Promise<InvoiceRow> {
  const inv = (await trx('invoices').where('id', id).forUpdate().first()) as InvoiceRow | undefined
  if (!inv) throw new NotFound(`No invoice with id ${id}`)
  return inv
}

/**
 * `POST /api/invoices/:id/issue {issueDate?}`: a draft with lines becomes issued; the due date
 * is the issue date (default: today, UTC) plus the customer's payment terms.
 * @example await finance.issueInvoice(trx, 7, { issueDate: '2026-07-01' })
 */
export async function issueInvoice(
  app: PlumeApp,
  trx: Knex.Transaction,
  id: number,
  data: unknown,
  params: FinanceParams = {},
  locked?: InvoiceRow,
): Promise<InvoiceRow> {
  requireStaff(params, 'issue invoices')
  const body = bodyOf(data)
  onlyKeys(body, ['issueDate'])
  if (body.issueDate !== undefined && !isDate(body.issueDate))
    throw invalid('/issueDate', 'must be a date (YYYY-MM-DD)')
  const inv = locked ?? (await lockInvoice(trx, id))
  assertAction(INVOICE_ACTIONS, `invoice ${inv.number}`, 'issue', inv.status)
  const lines = (await trx('invoice_lines').where('invoiceId', id).count({ c: '*' }).first()) as {
    c: string | number
  }
  if (Number(lines.c) === 0) throw new Conflict(`Cannot issue invoice ${inv.number}: it has no lines`)
  const customer = (await trx('customers')
    .select('paymentTermsDays')
    .where('id', inv.customerId)
    .first()) as { paymentTermsDays: number | null }
  const issueDate = (body.issueDate as string | undefined) ?? todayUtc()
  const dueDate = addDays(issueDate, customer.paymentTermsDays ?? 0)
  return (await app
    .service('api/invoices')
    .patch(
      id,
      { status: settledStatus(inv), issueDate, dueDate },
      { transaction: trx, [PREPARED]: true, before: inv },
    )) as InvoiceRow
}

/**
 * `POST /api/invoices/:id/void {reason}`: a draft or an issued invoice nothing was paid or
 * credited on is voided (kept, with its number: numbering stays gap-free); its orders can be
 * invoiced again.
 */
export async function voidInvoice(
  app: PlumeApp,
  trx: Knex.Transaction,
  id: number,
  data: unknown,
  params: FinanceParams = {},
  locked?: InvoiceRow,
): Promise<InvoiceRow> {
  requireStaff(params, 'void invoices')
  const body = bodyOf(data)
  onlyKeys(body, ['reason'])
  if (typeof body.reason !== 'string' || body.reason.trim().length === 0 || body.reason.length > 500)
    throw invalid('/reason', 'must be a text of 1 to 500 characters')
  const inv = locked ?? (await lockInvoice(trx, id))
  assertAction(INVOICE_ACTIONS, `invoice ${inv.number}`, 'void', inv.status)
  const allocated = (await trx('payment_allocations').where('invoiceId', id).count({ c: '*' }).first()) as {
    c: string | number
  }
  const credited = (await trx('credit_notes')
    .where({ invoiceId: id, status: 'applied' })
    .count({ c: '*' })
    .first()) as { c: string | number }
  if (Number(allocated.c) > 0 || Number(credited.c) > 0)
    throw new Conflict(`Cannot void invoice ${inv.number}: payments or credit notes are applied to it`)
  // a draft was never issued: a date typed on it is not an issue date (a void counts as open until voided only once issued)
  const neverIssued = inv.status === 'draft' ? { issueDate: null } : {}
  return (await app
    .service('api/invoices')
    .patch(
      id,
      { status: 'void', voidedAt: new Date().toISOString(), voidReason: body.reason, ...neverIssued },
      { transaction: trx, [PREPARED]: true, before: inv },
    )) as InvoiceRow
}
