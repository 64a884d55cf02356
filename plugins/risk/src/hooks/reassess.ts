import type { HookContext, NextFunction } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { TransitionHook } from '@plume/plugin-orders'
import { assessOrder } from '../score.js'

/** After every order transition: the customer's and partner's risk scores follow. */
export const reassessOnTransition = (): TransitionHook => ({
  name: 'risk:reassess',
  async after(ctx) {
    await assessOrder(ctx.trx, ctx.result ?? ctx.order)
  },
})

/**
 * After a money event written through its service (payment, allocation, invoice, credit note):
 * re-scores the customer and partner it names, in the write's transaction.
 * @example hooks: { payment: { create: [reassessAfterWrite()] } }
 */
export const reassessAfterWrite = () => async (context: HookContext, next: NextFunction) => {
  await next()
  const trx = (context.params as { transaction?: Knex.Transaction }).transaction ?? (context.app.get('db') as { knex: Knex }).knex
  const rows = (Array.isArray(context.result) ? context.result : [context.result]) as Array<Record<string, unknown> | undefined>
  for (const row of rows) {
    if (!row) continue
    let subject: { customerId?: unknown; partnerId?: unknown } = row
    // allocations name only the invoice
    if (row.customerId === undefined && typeof row.invoiceId === 'number') {
      subject = ((await trx('invoices').where('id', row.invoiceId).first('customerId', 'partnerId')) as typeof subject | undefined) ?? {}
    }
    await assessOrder(trx, subject)
  }
}
