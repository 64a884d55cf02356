import { Conflict, NotFound } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import { invalid, isPrepared, requireStaff, trxOf, type FinanceParams } from '../context.js'
import { lineNet, lineTax } from '../money.js'
import { refreshInvoiceTotals } from '../invoices/totals.js'

type Line = Record<string, unknown>

async function draftInvoice(trx: Knex.Transaction, invoiceId: number): Promise<void> {
  const inv = (await trx('invoices')
    .select('number', 'status')
    .where('id', invoiceId)
    .forUpdate()
    .first()) as { number: string; status: string } | undefined
  if (!inv) throw invalid('/invoiceId', 'does not exist')
  if (inv.status !== 'draft')
    throw new Conflict(
      `Invoice ${inv.number} is ${inv.status}: lines can only be changed while the invoice is draft`,
    )
}

/**
 * Hand-made invoice lines: only on draft invoices, never the lines copied from orders (their
 * prices are locked; void the invoice instead). The line total (unit × qty, half up to cents),
 * the line tax and the invoice totals are computed here, in the write's transaction.
 * @example hooks: { invoiceLine: { create: [guardInvoiceLines()], patch: [guardInvoiceLines()], … } }
 */
export const guardInvoiceLines = () => async (context: HookContext, next: NextFunction) => {
  if (isPrepared(context.params)) return next()
  requireStaff(context.params as FinanceParams, 'change invoice lines')
  const trx = trxOf(context)
  const data = (context.data ?? {}) as Line
  let current: Line | undefined
  if (context.method !== 'create') {
    current = (await trx('invoice_lines').where('id', Number(context.id)).first()) as Line | undefined
    if (!current) throw new NotFound(`No invoiceLine with id ${String(context.id)}`)
    if (current.orderLineId !== null || current.orderId !== null)
      throw new Conflict(
        'This line was copied from an order: its price is locked; void the invoice and invoice the order again',
      )
  }
  if (('orderId' in data && data.orderId !== null) || ('orderLineId' in data && data.orderLineId !== null)) {
    throw invalid('/orderLineId', 'cannot be set by hand: invoice orders with POST /api/invoices/from-orders')
  }
  const invoiceId = Number(data.invoiceId ?? current?.invoiceId)
  await draftInvoice(trx, invoiceId)
  if (current && data.invoiceId !== undefined && data.invoiceId !== current.invoiceId)
    await draftInvoice(trx, current.invoiceId as number)
  if (context.method !== 'remove') {
    const merged = { ...current, ...data }
    data.discount = '0.00'
    data.lineTotal = lineNet(String(merged.unitPrice), Number(merged.quantity))
    data.taxAmount = lineTax(data.lineTotal as string, String(merged.taxRate ?? 0))
  }
  await next()
  await refreshInvoiceTotals(trx, invoiceId)
  if (current && current.invoiceId !== invoiceId) await refreshInvoiceTotals(trx, current.invoiceId as number)
}
