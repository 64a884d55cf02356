import type { TestPlatform } from '@plume/core/testing'

/** An invoice written straight to the table: the widget reads it, how it was issued does not matter. */
export async function seedInvoice(
  t: TestPlatform,
  row: {
    number: string
    customerId: number
    partnerId: number
    status?: string
    total?: string
    paid?: string
  },
): Promise<number> {
  const [r] = (await t.db
    .knex('invoices')
    .insert({
      number: row.number,
      customerId: row.customerId,
      partnerId: row.partnerId,
      status: row.status ?? 'issued',
      issueDate: '2026-11-01',
      dueDate: '2026-12-01',
      currency: 'CNY',
      subtotal: row.total ?? '100.00',
      taxTotal: '0.00',
      total: row.total ?? '100.00',
      amountPaid: row.paid ?? '0.00',
      creditTotal: '0.00',
    })
    .returning('id')) as Array<{ id: number }>
  return r!.id
}
