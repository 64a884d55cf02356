import type { HookContext, NextFunction } from '@feathersjs/feathers'
import { invalid, isPrepared, requireStaff, trxOf, type FinanceParams } from '../context.js'
import { nextDocumentNumber } from '../numbering.js'

/**
 * A hand-made invoice (`POST /api/invoices`) starts as an empty numbered draft: status, totals
 * and payments are the system's; the partner defaults to the customer's. Invoices built by the
 * plugin (from orders) arrive prepared and pass through.
 * @example hooks: { invoice: { create: [prepareInvoice()] } }
 */
export const prepareInvoice = () => async (context: HookContext, next: NextFunction) => {
  if (isPrepared(context.params)) return next()
  requireStaff(context.params as FinanceParams, 'create invoices')
  const trx = trxOf(context)
  const data = context.data as Record<string, unknown>
  const customer = (await trx('customers')
    .select('partnerId', 'currency')
    .where('id', data.customerId as number)
    .first()) as { partnerId: number | null; currency: string } | undefined
  if (!customer) throw invalid('/customerId', 'does not exist')
  if (data.partnerId === undefined) data.partnerId = customer.partnerId
  if (data.currency === undefined) data.currency = customer.currency
  Object.assign(data, {
    status: 'draft',
    subtotal: '0.00',
    taxTotal: '0.00',
    total: '0.00',
    amountPaid: '0.00',
    creditTotal: '0.00',
  })
  // last: the counter row stays locked until commit
  data.number = await nextDocumentNumber(trx, 'INV')
  return next()
}
