import { BadRequest, Conflict, NotFound } from '@feathersjs/errors'
import type { Knex } from 'knex'
import { withCommitEvents, type PlumeApp } from '@plume/core'
import { idempotent } from '@plume/plugin-orders'
import { bodyOf, invalid, requireStaff, type FinanceParams } from '../context.js'
import { dec, money, Money } from '../money.js'
import {
  allocatePayment,
  readAllocations,
  type AllocationRequest,
  type AllocationResult,
  type PaymentRow,
} from './allocate.js'
import { paymentEntriesDocs } from './entry-docs.js'

/** The payment's own fields, as `POST /api/payments` takes them. */
const PAYMENT_FIELDS = [
  'customerId',
  'amount',
  'currency',
  'method',
  'reference',
  'receivedAt',
  'partnerId',
] as const

/**
 * `{…payment fields, allocations?: [{invoiceId, amount}], auto?: true}` → the payment body and the
 * allocation request (none when neither is given). Allocations adding up to more than the amount
 * are refused here (400 at `/allocations`), before anything is written.
 * @example readEntry({ customerId: 4, amount: '100.00', method: 'cash', receivedAt: '…', allocations: [{ invoiceId: 9, amount: '60.00' }] })
 */
export function readEntry(data: unknown): {
  payment: Record<string, unknown>
  allocations: AllocationRequest[] | 'auto' | null
} {
  const body = bodyOf(data)
  const extra = Object.keys(body).find(
    (k) => !(PAYMENT_FIELDS as readonly string[]).includes(k) && k !== 'allocations' && k !== 'auto',
  )
  if (extra) throw invalid(`/${extra}`, 'is not a known field')
  const { allocations, auto, ...payment } = body
  if (allocations === undefined && auto === undefined) return { payment, allocations: null }
  if (Array.isArray(allocations) && allocations.length === 0 && auto === undefined)
    return { payment, allocations: null }
  const wanted = readAllocations({
    ...(allocations !== undefined ? { allocations } : {}),
    ...(auto !== undefined ? { auto } : {}),
  })
  if (
    wanted !== 'auto' &&
    typeof payment.amount === 'string' &&
    /^\d{1,12}(\.\d{1,2})?$/.test(payment.amount)
  ) {
    const sum = wanted.reduce((s, a) => s.plus(dec(a.amount)), new Money(0))
    if (sum.gt(dec(payment.amount)))
      throw invalid(
        '/allocations',
        `add up to ${money(sum)}, more than the payment's amount ${money(dec(payment.amount))}`,
      )
  }
  return { payment, allocations: wanted }
}

/** A refusal about one invoice (over its open amount, not open, unknown) as a 400 naming that allocation line. */
function onLine(err: unknown, wanted: AllocationRequest[] | 'auto'): unknown {
  if (wanted === 'auto' || !(err instanceof Conflict || err instanceof NotFound)) return err
  const data = (err.data ?? {}) as { invoiceId?: number; missing?: number[]; requested?: string }
  const invoiceId = data.invoiceId ?? data.missing?.[0]
  const i = wanted.findIndex((a) => a.invoiceId === invoiceId)
  if (i < 0) return err
  const field = data.requested !== undefined || err instanceof Conflict ? 'amount' : 'invoiceId'
  const path = `/allocations/${i}/${err instanceof NotFound ? 'invoiceId' : field}`
  return new BadRequest(`Invalid data: allocations/${i} (line ${i + 1}): ${err.message}`, {
    errors: [{ path, message: `line ${i + 1}: ${err.message}` }],
    ...data,
  })
}

/**
 * `POST /api/payment-entries`: records a payment and its allocations to open invoices in ONE
 * transaction — the payment goes through `api/payments` (its validation, permissions, audit and
 * events), the allocations through the same code as `POST /api/payments/:id/allocate`. Any refused
 * allocation rolls the payment back too; events are emitted only after the commit. With an
 * `Idempotency-Key` a retry replays the first answer.
 * @example await app.service('api/payment-entries').create({ customerId: 4, amount: '150.00', method: 'bank_transfer', receivedAt: '2026-12-07T09:00:00Z', allocations: [{ invoiceId: 9, amount: '100.00' }, { invoiceId: 11, amount: '50.00' }] })
 */
export function paymentEntriesService(app: PlumeApp) {
  return {
    docs: paymentEntriesDocs,
    async create(data: unknown, params: FinanceParams = {}): Promise<AllocationResult> {
      requireStaff(params, 'record payments')
      const entry = readEntry(data)
      const run = async (trx: Knex.Transaction): Promise<AllocationResult> => {
        // the payment is written as the caller would write it (rules, validation, audit); the retry key belongs to this request
        const { 'idempotency-key': _key, ...headers } = (params.headers ?? {}) as Record<string, unknown>
        const { query: _query, ...caller } = params
        const payment = (await app
          .service('api/payments')
          .create(entry.payment, { ...caller, headers, transaction: trx })) as PaymentRow
        if (entry.allocations === null) return { payment, allocations: [] }
        try {
          return await allocatePayment(app, trx, payment.id, entry.allocations, {
            ...params,
            transaction: trx,
          })
        } catch (err) {
          throw onLine(err, entry.allocations)
        }
      }
      return withCommitEvents(
        app.get('db').knex,
        async (trx) =>
          (
            await idempotent(
              { trx, params, route: 'POST /api/payment-entries', body: data, status: 201 },
              () => run(trx),
            )
          ).result,
      )
    },
  }
}
