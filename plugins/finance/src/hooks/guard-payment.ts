import { Conflict, NotFound } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'
import { idempotent } from '@plume/plugin-orders'
import { invalid, isPrepared, requireStaff, trxOf, type FinanceParams } from '../context.js'
import { money } from '../money.js'

const FIXED = ['amount', 'customerId', 'currency']

/**
 * Payments: a new payment is wholly unallocated and takes the customer's partner and currency by
 * default (at most once per `Idempotency-Key`); its amount, customer and currency change (and it may be deleted) only while nothing
 * of it is allocated. Allocation goes through `POST /api/payments/:id/allocate`.
 * @example hooks: { payment: { create: [guardPayment()], patch: [guardPayment()], … } }
 */
export const guardPayment = () => async (context: HookContext, next: NextFunction) => {
  if (isPrepared(context.params)) return next()
  requireStaff(context.params as FinanceParams, 'record payments')
  const trx = trxOf(context)
  const data = (context.data ?? {}) as Record<string, unknown>
  if (context.method === 'create') {
    const customer = (await trx('customers')
      .select('partnerId', 'currency')
      .where('id', data.customerId as number)
      .first()) as { partnerId: number | null; currency: string } | undefined
    if (!customer) throw invalid('/customerId', 'does not exist')
    if (data.partnerId === undefined) data.partnerId = customer.partnerId
    if (data.currency === undefined) data.currency = customer.currency
    data.unallocated = money(String(data.amount))
    // money received is recorded once: a retry with the same Idempotency-Key replays the answer
    const { result, replayed } = await idempotent(
      { trx, params: context.params, route: 'POST /api/payments', body: data, status: 201 },
      async () => {
        await next()
        return context.result as unknown
      },
    )
    context.result = result
    // a replay recorded nothing: no `created` event
    if (replayed) context.event = null
    return
  }
  const id = Number(context.id)
  const payment = (await trx('payments').select('id', 'amount').where('id', id).forUpdate().first()) as
    { id: number; amount: string } | undefined
  if (!payment) throw new NotFound(`No payment with id ${String(context.id)}`)
  const touchesMoney =
    context.method === 'remove' || context.method === 'update' || FIXED.some((f) => f in data)
  if (touchesMoney) {
    const allocated = (await trx('payment_allocations').where('paymentId', id).first('id')) as unknown
    if (allocated)
      throw new Conflict(
        `Payment ${id} is allocated to invoices: its amount, customer and currency are fixed and it cannot be deleted`,
      )
    if (context.method !== 'remove') data.unallocated = money(String(data.amount ?? payment.amount))
  }
  return next()
}
