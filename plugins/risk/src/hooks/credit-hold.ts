import { Conflict } from '@feathersjs/errors'
import type { TransitionHook } from '@plume/plugin-orders'
import { creditCheck, creditFacts, type CreditFacts } from '../credit-check.js'

/**
 * After submit (the order's final total is known): an order over a credit limit, or from a
 * customer with invoices overdue past the policy, stays submitted but goes on credit hold —
 * `order.creditHold`, `order.creditHoldReason` and an open `credit_holds` record.
 */
export const holdOnSubmit = (): TransitionHook => ({
  name: 'risk:credit-check',
  actions: ['submit'],
  // the facts no concurrent submit changes are read with the order's lock (one round trip)
  prefetch: (trx, orderId) => creditFacts(trx, { orderId }),
  async after(ctx) {
    const reasons = await creditCheck(ctx.trx, { customerId: ctx.order.customerId as number, partnerId: ctx.order.partnerId }, ctx.prefetched as CreditFacts | undefined)
    if (reasons.length === 0) return
    const reason = reasons.map((r) => r.message).join('; ')
    const [row] = (await ctx.trx('orders').where('id', ctx.order.id).update({ creditHold: true, creditHoldReason: reason }).returning(['creditHold', 'creditHoldReason'])) as Array<Record<string, unknown>>
    await ctx.trx('credit_holds').insert({ orderId: ctx.order.id, customerId: ctx.order.customerId, partnerId: ctx.order.partnerId, reason, reasons: JSON.stringify(reasons), status: 'open' })
    // the action answers with this object: show the hold in the submit response
    if (ctx.result) Object.assign(ctx.result, row)
  },
})

/** Before approve: a held order cannot be approved (409 with the reason) until released. */
export const blockHeldApproval = (): TransitionHook => ({
  name: 'risk:block-held',
  actions: ['approve', 'ship'],
  before(ctx) {
    if (ctx.order.creditHold) throw new Conflict(`order is on credit hold: ${String(ctx.order.creditHoldReason ?? 'see its credit hold record')}`, { orderId: ctx.order.id, creditHold: true })
  },
})

/** After cancel: an open hold ends with the order. */
export const closeHoldOnCancel = (): TransitionHook => ({
  name: 'risk:close-hold',
  actions: ['cancel'],
  async after(ctx) {
    if (!ctx.order.creditHold) return
    await ctx.trx('credit_holds').where({ orderId: ctx.order.id, status: 'open' }).update({ status: 'cancelled', decidedAt: ctx.trx.fn.now(), updatedAt: ctx.trx.fn.now(), version: ctx.trx.raw('version + 1') })
    await ctx.trx('orders').where('id', ctx.order.id).update({ creditHold: false })
    if (ctx.result) Object.assign(ctx.result, { creditHold: false })
  },
})
