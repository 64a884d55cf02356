import type { HookContext, NextFunction } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import { type TransitionHook } from '@plume/plugin-orders'
import { accrueOrder, reverseOrder } from '../accrue.js'
import { knexOf, Money } from '@plume/core'

/** After deliver: accrue on plans earned at delivery. */
export const accrueOnDelivery = (): TransitionHook => ({
  name: 'commissions:accrue',
  actions: ['deliver'],
  async after(ctx) {
    await accrueOrder(ctx.trx, ctx.order.id, 'delivered')
  },
})

/** After cancel: whatever was accrued on the order is given back in full. */
export const reverseOnCancel = (): TransitionHook => ({
  name: 'commissions:reverse-cancel',
  actions: ['cancel'],
  async after(ctx) {
    await reverseOrder(ctx.trx, ctx.order.id, new Money(1), `Order ${ctx.order.number} cancelled`)
  },
})

const trxOf = (context: HookContext): Knex | Knex.Transaction => knexOf(context)

async function inTrx<T>(db: Knex | Knex.Transaction, run: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  return 'commit' in db && typeof db.commit === 'function'
    ? run(db as Knex.Transaction)
    : (db as Knex).transaction(run)
}

/**
 * After a credit note is issued or applied (finance patches it in the action's transaction):
 * a note for a returned order gives back the share of that order's commission the note is of the
 * order total; a note on an invoice, the share it is of the invoice total for each order billed
 * on it. Once per note and order.
 * @example hooks: { creditNote: { create: [reverseOnCreditNote()], patch: [reverseOnCreditNote()] } }
 */
export const reverseOnCreditNote = () => async (context: HookContext, next: NextFunction) => {
  await next()
  const note = context.result as
    | {
        id?: number
        number?: string | null
        invoiceId?: number | null
        orderId?: number | null
        amount?: string
        status?: string
      }
    | undefined
  if (
    !note?.id ||
    (note.status !== 'issued' && note.status !== 'applied') ||
    (!note.orderId && !note.invoiceId)
  )
    return
  await inTrx(trxOf(context), async (trx) => {
    const amount = new Money(String(note.amount ?? 0))
    const label = `Credit note ${note.number ?? `#${note.id}`}`
    if (note.orderId) {
      const o = (await trx('orders').where('id', note.orderId).first(trx.raw('total::text as total'))) as
        { total: string } | undefined
      if (o && new Money(o.total).greaterThan(0))
        await reverseOrder(
          trx,
          note.orderId,
          Money.min(amount.div(o.total), 1),
          `${label} (return)`,
          note.id!,
        )
      return
    }
    const inv = (await trx('invoices')
      .where('id', note.invoiceId!)
      .first('number', trx.raw('total::text as total'))) as
      { number: string | null; total: string } | undefined
    if (!inv || !new Money(inv.total).greaterThan(0)) return
    const share = Money.min(amount.div(inv.total), 1)
    const orders = (await trx('invoice_lines')
      .where('invoiceId', note.invoiceId!)
      .whereNotNull('orderId')
      .distinct('orderId')
      .orderBy('orderId')) as Array<{ orderId: number }>
    for (const o of orders)
      await reverseOrder(
        trx,
        o.orderId,
        share,
        `${label} on invoice ${inv.number ?? `#${note.invoiceId}`}`,
        note.id!,
      )
  })
}

/**
 * After a payment, allocation or invoice change: orders of partners on paid-basis plans whose
 * live invoices are all paid get their commission (once).
 */
export const accrueOnPayment = () => async (context: HookContext, next: NextFunction) => {
  await next()
  const rows = (Array.isArray(context.result) ? context.result : [context.result]) as Array<
    { customerId?: number; invoiceId?: number } | undefined
  >
  await inTrx(trxOf(context), async (trx) => {
    for (const row of rows) {
      let customerId = row?.customerId
      if (customerId === undefined && row?.invoiceId)
        customerId = (
          (await trx('invoices').where('id', row.invoiceId).first('customerId')) as
            { customerId: number } | undefined
        )?.customerId
      if (customerId === undefined) continue
      const res = await trx.raw(
        `select distinct il."orderId" from invoice_lines il join invoices i on i.id = il."invoiceId" join orders o on o.id = il."orderId"
          where i."customerId" = ? and i.status = 'paid' and o."partnerId" is not null
            and not exists (select 1 from commission_accruals a where a."orderId" = il."orderId" and a.kind = 'accrual')
            and not exists (select 1 from invoice_lines il2 join invoices i2 on i2.id = il2."invoiceId" where il2."orderId" = il."orderId" and i2.status not in ('paid', 'void'))
          order by il."orderId"`,
        [customerId],
      )
      for (const r of (res as { rows: Array<{ orderId: number }> }).rows)
        await accrueOrder(trx, r.orderId, 'paid')
    }
  })
}
