import { Conflict, NotFound } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'
import { isPrepared, requireStaff, trxOf, type FinanceParams } from '../context.js'

/**
 * Clients change an invoice only while it is a draft without lines from orders (status, money
 * and dates move through the actions) and never delete one: numbers are gap-free, so a wrong
 * invoice is voided (`POST /api/invoices/:id/void`), not removed.
 * @example hooks: { invoice: { patch: [guardInvoice()], update: [guardInvoice()], remove: [guardInvoice()] } }
 */
export const guardInvoice = () => async (context: HookContext, next: NextFunction) => {
  if (isPrepared(context.params) || !context.params.provider) return next()
  requireStaff(context.params as FinanceParams, 'change invoices')
  const trx = trxOf(context)
  const id = Number(context.id)
  const inv = (await trx('invoices').select('number', 'status').where('id', id).forUpdate().first()) as
    { number: string; status: string } | undefined
  if (!inv) throw new NotFound(`No invoice with id ${String(context.id)}`)
  if (context.method === 'remove')
    throw new Conflict(
      `Invoice ${inv.number} cannot be deleted: invoice numbers are gap-free; void it instead`,
    )
  if (inv.status !== 'draft')
    throw new Conflict(
      `Invoice ${inv.number} is ${inv.status}: only draft invoices can be changed; use the invoice actions`,
    )
  const data = context.data as Record<string, unknown>
  if ('customerId' in data || 'currency' in data || 'partnerId' in data) {
    const fromOrders = (await trx('invoice_lines')
      .where('invoiceId', id)
      .whereNotNull('orderId')
      .first('id')) as unknown
    if (fromOrders)
      throw new Conflict(
        `Invoice ${inv.number} bills orders: its customer, partner and currency come from them`,
      )
  }
  return next()
}
