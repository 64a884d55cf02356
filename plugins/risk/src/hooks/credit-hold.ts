import { Conflict } from '@feathersjs/errors'
import type { Knex } from 'knex'
import type { PlumeApp } from '@plume/core'
import type { TransitionHook } from '@plume/plugin-orders'
import { creditCheck, creditFacts, type CreditFacts } from '../credit-check.js'

/**
 * Ends an order's open credit hold (released, rejected, cancelled) through the credit-hold
 * service, in `trx`: audited, and open screens get its `patched` event once `trx` commits.
 */
export async function decideHolds(
  app: PlumeApp,
  trx: Knex.Transaction,
  orderId: number,
  decision: Record<string, unknown> & { status: string },
): Promise<void> {
  const open = (await trx('credit_holds').select('id').where({ orderId, status: 'open' })) as Array<{
    id: number
  }>
  for (const { id } of open)
    await app
      .service('api/credit-holds')
      .patch(id, { decidedAt: new Date().toISOString(), ...decision }, { transaction: trx })
}

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
    const reasons = await creditCheck(
      ctx.trx,
      { customerId: ctx.order.customerId as number, partnerId: ctx.order.partnerId },
      ctx.prefetched as CreditFacts | undefined,
    )
    if (reasons.length === 0) return
    const reason = reasons.map((r) => r.message).join('; ')
    const [row] = (await ctx
      .trx('orders')
      .where('id', ctx.order.id)
      .update({ creditHold: true, creditHoldReason: reason })
      .returning(['creditHold', 'creditHoldReason'])) as Array<Record<string, unknown>>
    // through the service: audited, and announced (`created`) once the submit commits
    await ctx.app.service('api/credit-holds').create(
      {
        orderId: ctx.order.id,
        customerId: ctx.order.customerId,
        partnerId: ctx.order.partnerId,
        reason,
        reasons,
        status: 'open',
      },
      { transaction: ctx.trx },
    )
    // the action answers with this object: show the hold in the submit response
    if (ctx.result) Object.assign(ctx.result, row)
  },
})

/** Before approve: a held order cannot be approved (409 with the reason) until released. */
export const blockHeldApproval = (): TransitionHook => ({
  name: 'risk:block-held',
  actions: ['approve', 'ship'],
  before(ctx) {
    if (ctx.order.creditHold)
      throw new Conflict(
        `order is on credit hold: ${String(ctx.order.creditHoldReason ?? 'see its credit hold record')}`,
        { orderId: ctx.order.id, creditHold: true },
      )
  },
})

/** After cancel: an open hold ends with the order. */
export const closeHoldOnCancel = (): TransitionHook => ({
  name: 'risk:close-hold',
  actions: ['cancel'],
  async after(ctx) {
    if (!ctx.order.creditHold) return
    await decideHolds(ctx.app, ctx.trx, ctx.order.id, { status: 'cancelled' })
    await ctx.trx('orders').where('id', ctx.order.id).update({ creditHold: false })
    if (ctx.result) Object.assign(ctx.result, { creditHold: false })
  },
})
