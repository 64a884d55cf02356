import type { Knex } from 'knex'

/**
 * Recomputes an invoice's subtotal, tax and total from its lines in SQL (exact numeric):
 * subtotal = Σ lineTotal, taxTotal = Σ taxAmount (each already rounded per line), total = both.
 */
export async function refreshInvoiceTotals(trx: Knex.Transaction, invoiceId: number): Promise<void> {
  await trx.raw(
    `update invoices as i set subtotal = s.net, "taxTotal" = s.tax, total = s.net + s.tax, version = i.version + 1, "updatedAt" = now()
     from (select coalesce(sum("lineTotal"), 0) as net, coalesce(sum("taxAmount"), 0) as tax from invoice_lines where "invoiceId" = ?) as s
     where i.id = ?`,
    [invoiceId, invoiceId],
  )
}
