import { Conflict, NotFound } from '@feathersjs/errors'
import type { Knex } from 'knex'
import type { PlumeApp } from '@plume/core'
import { bodyOf, invalid, onlyKeys, PREPARED, requireStaff, type FinanceParams } from '../context.js'
import { dateText, dec, money, Money, openAmount, settledStatus } from '../money.js'
import { OPEN_STATES, type InvoiceRow } from '../invoices/types.js'

const AMOUNT = /^\d{1,12}(\.\d{1,2})?$/
const MAX_ALLOCATIONS = 200

export interface PaymentRow {
  id: number
  customerId: number
  partnerId: number | null
  amount: string
  currency: string
  unallocated: string
  receivedAt: string | Date
  [key: string]: unknown
}

/** One part of a payment applied to one invoice. */
export interface AllocationRequest {
  invoiceId: number
  amount: string
}

export interface AllocationResult {
  payment: PaymentRow
  allocations: Array<{ invoiceId: number; number: string; amount: string; open: string; status: string }>
}

/**
 * `{allocations: [{invoiceId, amount}]}` → the list; `{}` or `{auto: true}` → `'auto'`.
 * @example readAllocations({ allocations: [{ invoiceId: 3, amount: '50.00' }] })
 */
export function readAllocations(data: unknown): AllocationRequest[] | 'auto' {
  const body = bodyOf(data)
  onlyKeys(body, ['allocations', 'auto'])
  if (body.allocations === undefined) {
    if (body.auto !== undefined && body.auto !== true)
      throw invalid('/auto', 'must be true (or leave it out)')
    return 'auto'
  }
  if (body.auto !== undefined) throw invalid('/auto', 'cannot be combined with allocations')
  const list = body.allocations
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_ALLOCATIONS)
    throw invalid('/allocations', `must be an array of 1 to ${MAX_ALLOCATIONS} allocations`)
  const seen = new Set<number>()
  return list.map((a: unknown, i) => {
    if (!a || typeof a !== 'object' || Array.isArray(a))
      throw invalid(`/allocations/${i}`, 'must be an object {invoiceId, amount}')
    const { invoiceId, amount, ...rest } = a as Record<string, unknown>
    if (Object.keys(rest).length)
      throw invalid(`/allocations/${i}/${Object.keys(rest)[0]}`, 'is not a known field')
    if (
      typeof invoiceId !== 'number' ||
      !Number.isInteger(invoiceId) ||
      invoiceId < 1 ||
      invoiceId > 2147483647
    )
      throw invalid(`/allocations/${i}/invoiceId`, 'must be a positive integer')
    if (typeof amount !== 'string' || !AMOUNT.test(amount) || dec(amount).lte(0))
      throw invalid(
        `/allocations/${i}/amount`,
        'must be a positive decimal string with at most 2 decimals, e.g. "120.50"',
      )
    if (seen.has(invoiceId)) throw invalid(`/allocations/${i}/invoiceId`, 'is listed twice')
    seen.add(invoiceId)
    return { invoiceId, amount: money(amount) }
  })
}

/** Oldest first: by due date, then issue date, then id. */
const byAge = (a: InvoiceRow, b: InvoiceRow): number =>
  (dateText(a.dueDate) ?? '').localeCompare(dateText(b.dueDate) ?? '') ||
  (dateText(a.issueDate) ?? '').localeCompare(dateText(b.issueDate) ?? '') ||
  a.id - b.id

/** Manual allocations: every invoice must be this customer's, open, in the payment's currency, and not over-paid. */
function checkManual(
  payment: PaymentRow,
  invoices: InvoiceRow[],
  wanted: AllocationRequest[],
): Array<{ invoice: InvoiceRow; amount: Money }> {
  const byId = new Map(invoices.map((i) => [i.id, i]))
  const missing = wanted.filter((w) => !byId.has(w.invoiceId)).map((w) => w.invoiceId)
  if (missing.length) throw new NotFound(`No invoice with id ${missing.join(', ')}`, { missing })
  let sum = new Money(0)
  const plan = wanted.map((w) => {
    const inv = byId.get(w.invoiceId)!
    if (inv.customerId !== payment.customerId)
      throw new Conflict(`Invoice ${inv.number} belongs to another customer than payment ${payment.id}`)
    if (inv.currency !== payment.currency)
      throw new Conflict(
        `Invoice ${inv.number} is in ${inv.currency}, payment ${payment.id} in ${payment.currency}`,
      )
    if (!(OPEN_STATES as readonly string[]).includes(inv.status))
      throw new Conflict(
        `Invoice ${inv.number} is ${inv.status}: only issued or partially paid invoices take payments`,
        { invoiceId: inv.id, status: inv.status },
      )
    const open = openAmount(inv)
    const amount = dec(w.amount)
    if (amount.gt(open))
      throw new Conflict(
        `Cannot allocate ${money(amount)} to invoice ${inv.number}: only ${money(open)} is open`,
        { invoiceId: inv.id, open: money(open), requested: money(amount) },
      )
    sum = sum.plus(amount)
    return { invoice: inv, amount }
  })
  const free = dec(payment.unallocated)
  if (sum.gt(free))
    throw new Conflict(
      `Cannot allocate ${money(sum)} from payment ${payment.id}: only ${money(free)} is unallocated`,
      { unallocated: money(free), requested: money(sum) },
    )
  return plan
}

/** Auto allocation: the payment's free amount goes to the customer's oldest open invoices first. */
function planAuto(
  payment: PaymentRow,
  invoices: InvoiceRow[],
): Array<{ invoice: InvoiceRow; amount: Money }> {
  let free = dec(payment.unallocated)
  const plan: Array<{ invoice: InvoiceRow; amount: Money }> = []
  for (const inv of [...invoices].sort(byAge)) {
    if (free.lte(0)) break
    const amount = Money.min(free, openAmount(inv))
    if (amount.lte(0)) continue
    plan.push({ invoice: inv, amount })
    free = free.minus(amount)
  }
  return plan
}

/**
 * Allocates a payment to invoices inside `trx` — given amounts, or `'auto'` (oldest open invoices
 * first). Invoices are locked in id order (no deadlock between concurrent allocations); each
 * invoice's amountPaid and status and the payment's unallocated amount change in the same
 * transaction. 409 when an amount exceeds an invoice's open amount or the payment's free amount.
 * Whatever is not allocated stays on the payment as the customer's credit.
 * @example await allocatePayment(app, trx, paymentId, [{ invoiceId: 4, amount: '100.00' }])
 */
export async function allocatePayment(
  app: PlumeApp,
  trx: Knex.Transaction,
  paymentId: number,
  request: AllocationRequest[] | 'auto',
  params: FinanceParams = {},
): Promise<AllocationResult> {
  requireStaff(params, 'allocate payments')
  const payment = (await trx('payments').where('id', paymentId).forUpdate().first()) as PaymentRow | undefined
  if (!payment) throw new NotFound(`No payment with id ${paymentId}`)
  const candidates = trx('invoices').orderBy('id').forUpdate()
  if (request === 'auto')
    candidates
      .where({ customerId: payment.customerId, currency: payment.currency })
      .whereIn('status', OPEN_STATES)
  else
    candidates.whereIn(
      'id',
      request.map((r) => r.invoiceId),
    )
  const invoices = (await candidates) as InvoiceRow[]
  const plan = request === 'auto' ? planAuto(payment, invoices) : checkManual(payment, invoices, request)
  const internal = { transaction: trx, [PREPARED]: true }
  const allocations: AllocationResult['allocations'] = []
  let allocated = new Money(0)
  for (const { invoice, amount } of plan) {
    const existing = (await trx('payment_allocations')
      .select('id', 'amount')
      .where({ paymentId, invoiceId: invoice.id })
      .first()) as { id: number; amount: string } | undefined
    if (existing)
      await app
        .service('api/payment-allocations')
        .patch(existing.id, { amount: money(dec(existing.amount).plus(amount)) }, internal)
    else
      await app
        .service('api/payment-allocations')
        .create({ paymentId, invoiceId: invoice.id, amount: money(amount) }, internal)
    const after = { ...invoice, amountPaid: money(dec(invoice.amountPaid).plus(amount)) }
    const status = settledStatus(after)
    await app.service('api/invoices').patch(invoice.id, { amountPaid: after.amountPaid, status }, internal)
    allocations.push({
      invoiceId: invoice.id,
      number: invoice.number,
      amount: money(amount),
      open: money(openAmount(after)),
      status,
    })
    allocated = allocated.plus(amount)
  }
  const updated = allocated.gt(0)
    ? ((await app
        .service('api/payments')
        .patch(
          paymentId,
          { unallocated: money(dec(payment.unallocated).minus(allocated)) },
          internal,
        )) as PaymentRow)
    : payment
  return { payment: updated, allocations }
}
