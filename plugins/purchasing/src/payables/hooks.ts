import { MethodNotAllowed } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'
import { dec, money, type PlumeApp } from '@plume/core'
import { conflict, invalid, isInternal, trxOf } from '../context.js'
import { internal } from '../hooks/guard-order.js'

const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)

/**
 * Supplier invoices: the due date defaults to the invoice date plus the supplier's payment terms,
 * the currency to the supplier's; one invoice number per supplier (409 on a repeat); once paid in
 * part the total cannot change.
 */
export const guardSupplierInvoice = () => async (context: HookContext, next: NextFunction) => {
  if (isInternal(context.params)) return next()
  const trx = trxOf(context)
  const data = (context.data ?? {}) as Record<string, unknown>
  if (context.method === 'create') {
    const supplier = (await trx('suppliers')
      .select('paymentTermsDays', 'currency')
      .where('id', data.supplierId as number)
      .first()) as { paymentTermsDays: number; currency: string } | undefined
    if (!supplier) throw invalid('/supplierId', 'does not exist')
    const repeat = await trx('supplier_invoices')
      .where({ supplierId: data.supplierId, invoiceNumber: data.invoiceNumber })
      .first('id')
    if (repeat) throw conflict(`The supplier's invoice ${String(data.invoiceNumber)} is already recorded`)
    data.dueDate ??= addDays(String(data.invoiceDate), supplier.paymentTermsDays)
    data.currency ??= supplier.currency
    Object.assign(data, { paidAmount: '0.00', status: 'open' })
    return next()
  }
  if (context.method === 'remove')
    throw new MethodNotAllowed(
      'A supplier invoice is kept for the books: record a credit instead of deleting it',
    )
  const row = (await trx('supplier_invoices')
    .select('paidAmount', 'invoiceNumber')
    .where('id', context.id as number)
    .first()) as { paidAmount: string; invoiceNumber: string } | undefined
  if (row && data.total !== undefined && !dec(row.paidAmount).isZero())
    throw conflict(`Invoice ${row.invoiceNumber} is paid in part: its total cannot change`)
  return next()
}

/**
 * Supplier payments: against an open invoice, never more than what is still owed (400 naming
 * `amount`); the invoice's paid amount and state follow in the same transaction. A payment is a
 * ledger entry: it cannot be changed or removed.
 */
export const guardSupplierPayment = () => async (context: HookContext, next: NextFunction) => {
  if (isInternal(context.params)) return next()
  if (context.method !== 'create')
    throw new MethodNotAllowed('A supplier payment cannot be changed or removed once recorded')
  const trx = trxOf(context)
  const data = (context.data ?? {}) as Record<string, unknown>
  const invoice = (await trx('supplier_invoices')
    .select('id', 'total', 'paidAmount', 'status', 'invoiceNumber')
    .where('id', data.supplierInvoiceId as number)
    .forUpdate()
    .first()) as
    { id: number; total: string; paidAmount: string; status: string; invoiceNumber: string } | undefined
  if (!invoice) throw invalid('/supplierInvoiceId', 'does not exist')
  if (invoice.status === 'paid' || invoice.status === 'void')
    throw conflict(`Invoice ${invoice.invoiceNumber} is ${invoice.status}`, { status: invoice.status })
  const owed = dec(invoice.total).minus(invoice.paidAmount)
  const amount = dec(data.amount)
  if (amount.lte(0)) throw invalid('/amount', 'must be more than 0')
  if (amount.gt(owed))
    throw invalid('/amount', `is more than the ${money(owed)} still owed on invoice ${invoice.invoiceNumber}`)
  await next()
  const paid = dec(invoice.paidAmount).plus(amount)
  await (context.app as PlumeApp)
    .service('api/supplier-invoices')
    .patch(
      invoice.id,
      { paidAmount: money(paid), status: paid.gte(invoice.total) ? 'paid' : 'partially_paid' },
      internal({ transaction: trx }),
    )
}
