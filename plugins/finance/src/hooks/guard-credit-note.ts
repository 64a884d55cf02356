import { Conflict, NotFound } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import { invalid, isPrepared, requireStaff, trxOf, type FinanceParams } from '../context.js'

async function checkInvoice(
  trx: Knex.Transaction,
  data: Record<string, unknown>,
  customerId: number,
): Promise<void> {
  if (data.invoiceId === undefined || data.invoiceId === null) return
  const inv = (await trx('invoices')
    .select('customerId', 'currency')
    .where('id', data.invoiceId as number)
    .first()) as { customerId: number; currency: string } | undefined
  if (!inv) throw invalid('/invoiceId', 'does not exist')
  if (inv.customerId !== customerId) throw invalid('/invoiceId', "is another customer's invoice")
  if (data.currency === undefined) data.currency = inv.currency
}

/**
 * Credit notes are drafted freely and numbered when issued; once issued they change only
 * through their actions (apply, void). A note naming an invoice must be for its customer.
 * @example hooks: { creditNote: { create: [guardCreditNote()], patch: [guardCreditNote()], … } }
 */
export const guardCreditNote = () => async (context: HookContext, next: NextFunction) => {
  if (isPrepared(context.params)) return next()
  requireStaff(context.params as FinanceParams, 'change credit notes')
  const trx = trxOf(context)
  const data = (context.data ?? {}) as Record<string, unknown>
  if (context.method === 'create') {
    const customer = (await trx('customers')
      .select('currency')
      .where('id', data.customerId as number)
      .first()) as { currency: string } | undefined
    if (!customer) throw invalid('/customerId', 'does not exist')
    await checkInvoice(trx, data, data.customerId as number)
    if (data.currency === undefined) data.currency = customer.currency
    Object.assign(data, { status: 'draft', number: null, issueDate: null })
    return next()
  }
  const note = (await trx('credit_notes')
    .select('customerId', 'status', 'number')
    .where('id', Number(context.id))
    .forUpdate()
    .first()) as { customerId: number; status: string; number: string | null } | undefined
  if (!note) throw new NotFound(`No creditNote with id ${String(context.id)}`)
  if (note.status !== 'draft')
    throw new Conflict(
      `Credit note ${note.number ?? context.id} is ${note.status}: only drafts can be changed or deleted; use the credit note actions`,
    )
  if (context.method !== 'remove')
    await checkInvoice(trx, data, (data.customerId as number | undefined) ?? note.customerId)
  return next()
}
