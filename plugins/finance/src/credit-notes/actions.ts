import { Conflict, NotFound } from '@feathersjs/errors'
import type { Knex } from 'knex'
import type { PlumeApp } from '@plume/core'
import { bodyOf, invalid, onlyKeys, PREPARED, requireStaff, type FinanceParams } from '../context.js'
import { dec, isDate, money, openAmount, settledStatus, todayUtc } from '../money.js'
import { nextDocumentNumber } from '../numbering.js'
import { OPEN_STATES, type InvoiceRow } from '../invoices/types.js'
import { assertAction, CREDIT_NOTE_ACTIONS } from '../states.js'

export interface CreditNoteRow {
  id: number
  number: string | null
  customerId: number
  invoiceId: number | null
  amount: string
  currency: string
  status: 'draft' | 'issued' | 'applied' | 'void'
  issueDate: string | Date | null
  [key: string]: unknown
}

async function lockNote(trx: Knex.Transaction, id: number): Promise<CreditNoteRow> {
  const note = (await trx('credit_notes').where('id', id).forUpdate().first()) as CreditNoteRow | undefined
  if (!note) throw new NotFound(`No credit note with id ${id}`)
  return note
}

const label = (n: CreditNoteRow) => `credit note ${n.number ?? `#${n.id}`}`

/** Applies an issued note in full to an open invoice of the same customer (in `trx`). */
async function applyNote(
  app: PlumeApp,
  trx: Knex.Transaction,
  note: CreditNoteRow,
  invoiceId: number,
): Promise<CreditNoteRow> {
  const inv = (await trx('invoices').where('id', invoiceId).forUpdate().first()) as InvoiceRow | undefined
  if (!inv) throw new NotFound(`No invoice with id ${invoiceId}`)
  if (inv.customerId !== note.customerId)
    throw new Conflict(`Invoice ${inv.number} belongs to another customer than ${label(note)}`)
  if (inv.currency !== note.currency)
    throw new Conflict(`Invoice ${inv.number} is in ${inv.currency}, ${label(note)} in ${note.currency}`)
  if (!(OPEN_STATES as readonly string[]).includes(inv.status))
    throw new Conflict(
      `Invoice ${inv.number} is ${inv.status}: a credit note applies to an issued or partially paid invoice`,
    )
  const open = openAmount(inv)
  if (dec(note.amount).gt(open))
    throw new Conflict(
      `Cannot apply ${money(note.amount)} of ${label(note)} to invoice ${inv.number}: only ${money(open)} is open`,
      { open: money(open), amount: money(note.amount) },
    )
  const after = { ...inv, creditTotal: money(dec(inv.creditTotal).plus(dec(note.amount))) }
  const internal = { transaction: trx, [PREPARED]: true }
  await app
    .service('api/invoices')
    .patch(inv.id, { creditTotal: after.creditTotal, status: settledStatus(after) }, internal)
  return (await app
    .service('api/credit-notes')
    .patch(note.id, { status: 'applied', invoiceId: inv.id }, internal)) as CreditNoteRow
}

/**
 * `POST /api/credit-notes/:id/issue {issueDate?}`: numbers the note (`CN-2026-000001`, gap-free)
 * and dates it; a note that names an invoice is applied to it at once (status `applied`).
 * @example await finance.issueCreditNote(trx, 3, { issueDate: '2026-08-10' })
 */
export async function issueCreditNote(
  app: PlumeApp,
  trx: Knex.Transaction,
  id: number,
  data: unknown,
  params: FinanceParams = {},
  locked?: CreditNoteRow,
): Promise<CreditNoteRow> {
  requireStaff(params, 'issue credit notes')
  const body = bodyOf(data)
  onlyKeys(body, ['issueDate'])
  if (body.issueDate !== undefined && !isDate(body.issueDate))
    throw invalid('/issueDate', 'must be a date (YYYY-MM-DD)')
  const note = locked ?? (await lockNote(trx, id))
  assertAction(CREDIT_NOTE_ACTIONS, label(note), 'issue', note.status)
  const number = await nextDocumentNumber(trx, 'CN')
  const issued = (await app
    .service('api/credit-notes')
    .patch(
      id,
      { number, status: 'issued', issueDate: (body.issueDate as string | undefined) ?? todayUtc() },
      { transaction: trx, [PREPARED]: true, before: note },
    )) as CreditNoteRow
  return issued.invoiceId ? applyNote(app, trx, issued, issued.invoiceId) : issued
}

/**
 * `POST /api/credit-notes/:id/apply {invoiceId?}`: applies an issued note, in full, to an open
 * invoice of the same customer (its own `invoiceId` when the body names none); the invoice's
 * open amount goes down and its status follows (partially_paid / paid). 409 when the note is
 * larger than what is open.
 */
export async function applyCreditNote(
  app: PlumeApp,
  trx: Knex.Transaction,
  id: number,
  data: unknown,
  params: FinanceParams = {},
  locked?: CreditNoteRow,
): Promise<CreditNoteRow> {
  requireStaff(params, 'apply credit notes')
  const body = bodyOf(data)
  onlyKeys(body, ['invoiceId'])
  if (
    body.invoiceId !== undefined &&
    (typeof body.invoiceId !== 'number' || !Number.isInteger(body.invoiceId) || body.invoiceId < 1)
  )
    throw invalid('/invoiceId', 'must be a positive integer')
  const note = locked ?? (await lockNote(trx, id))
  assertAction(CREDIT_NOTE_ACTIONS, label(note), 'apply', note.status)
  const invoiceId = (body.invoiceId as number | undefined) ?? note.invoiceId
  if (!invoiceId) throw invalid('/invoiceId', 'is required: the credit note names no invoice')
  return applyNote(app, trx, note, invoiceId)
}

/** `POST /api/credit-notes/:id/void`: a draft or issued (not yet applied) note is voided. */
export async function voidCreditNote(
  app: PlumeApp,
  trx: Knex.Transaction,
  id: number,
  data: unknown,
  params: FinanceParams = {},
  locked?: CreditNoteRow,
): Promise<CreditNoteRow> {
  requireStaff(params, 'void credit notes')
  onlyKeys(bodyOf(data), [])
  const note = locked ?? (await lockNote(trx, id))
  assertAction(CREDIT_NOTE_ACTIONS, label(note), 'void', note.status)
  return (await app
    .service('api/credit-notes')
    .patch(id, { status: 'void' }, { transaction: trx, [PREPARED]: true, before: note })) as CreditNoteRow
}
