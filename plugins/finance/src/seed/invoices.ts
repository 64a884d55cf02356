import type { Knex } from 'knex'
import { buildLines, type OrderHead, type OrderLine } from '../invoices/from-orders.js'
import type { NewInvoiceLine } from '../invoices/types.js'
import { addDays, dec, invoiceTotals, money, Money, settledStatus } from '../money.js'
import { COUNTER_TABLE, formatDocumentNumber } from '../numbering.js'

const DAY = 86_400_000

/** A deterministic 0–99 roll per order (the same demo data everywhere, no state). */
const roll = (id: number, salt: number): number =>
  ((Math.imul(id, 2654435761) ^ Math.imul(salt, 40503)) >>> 0) % 100

interface Order extends OrderHead {
  deliveredAt: Date | string
  paymentTermsDays: number | null
}

async function insertChunks(
  trx: Knex.Transaction,
  table: string,
  rows: Array<Record<string, unknown>>,
  chunk = 1000,
): Promise<number[]> {
  const ids: number[] = []
  for (let i = 0; i < rows.length; i += chunk) {
    const part = (await trx(table)
      .insert(rows.slice(i, i + chunk))
      .returning('id')) as Array<{ id: number }>
    ids.push(...part.map((r) => r.id))
  }
  return ids
}

/** A return or a price correction credited on about one invoice in 25, 10–30 % of it. */
function creditFor(
  o: Order,
  total: Money,
  issueDate: string,
  today: string,
): { amount: Money; day: string; kind: 'return' | 'correction' } | undefined {
  if (roll(o.id, 4) >= 4) return undefined
  const day = addDays(issueDate, 3 + (roll(o.id, 5) % 18))
  if (day >= today) return undefined
  const amount = new Money(money(total.times(10 + (roll(o.id, 6) % 21)).div(100)))
  return { amount, day, kind: roll(o.id, 7) < 60 ? 'return' : 'correction' }
}

/** How much of an invoice (what is left after its credit note) the demo customer paid, and when. */
function paymentFor(
  o: Order,
  total: Money,
  issueDate: string,
  today: string,
): { amount: Money; allocated: Money; day: string } | undefined {
  const r = roll(o.id, 1)
  const day = addDays(issueDate, 5 + (roll(o.id, 2) % 50))
  if (day >= today) return undefined
  if (o.status === 'closed' || r < 35) {
    // a few customers pay a round sum above the invoice: the rest stays as their credit
    const extra = roll(o.id, 3) < 4 ? new Money(50) : new Money(0)
    return { amount: total.plus(extra), allocated: total, day }
  }
  if (r < 60) {
    const part = new Money(money(total.div(2)))
    return { amount: part, allocated: part, day }
  }
  return undefined
}

/**
 * Invoices for delivered and closed demo orders (one per order, issued on delivery, due after the
 * customer's terms, gap-free numbers per year in issue order) and the payments that settled
 * them: closed orders paid in full, delivered ones paid, half paid or open; a few over-payments
 * left as credit; about one invoice in 25 credited (a return or a price correction, applied). Deterministic; batch inserts; nothing when there are no orders.
 */
export async function seedInvoices(
  trx: Knex.Transaction,
  now: Date = new Date(),
): Promise<{ invoices: number; payments: number; creditNotes: number }> {
  const orders = (await trx('orders as o')
    .join('customers as c', 'c.id', 'o.customerId')
    .whereIn('o.status', ['delivered', 'closed'])
    .whereNotNull('o.deliveredAt')
    .whereNotExists(
      trx('invoice_lines as l')
        .join('invoices as i', 'i.id', 'l.invoiceId')
        .whereRaw('l."orderId" = o.id')
        .whereNot('i.status', 'void'),
    )
    .select(
      'o.id',
      'o.number',
      'o.status',
      'o.customerId',
      'o.partnerId',
      'o.currency',
      'o.taxTotal',
      'o.total',
      'o.deliveredAt',
      'c.paymentTermsDays',
    )
    .orderBy([{ column: 'o.deliveredAt' }, { column: 'o.id' }])) as Order[]
  if (orders.length === 0) return { invoices: 0, payments: 0, creditNotes: 0 }
  const lines: OrderLine[] = []
  for (let i = 0; i < orders.length; i += 1000) {
    const ids = orders.slice(i, i + 1000).map((o) => o.id)
    lines.push(
      ...((await trx('order_lines as l')
        .join('products as p', 'p.id', 'l.productId')
        .whereIn('l.orderId', ids)
        .select(
          'l.id',
          'l.orderId',
          'l.quantity',
          'l.unitPrice',
          'l.discount',
          'l.lineTotal',
          'l.taxRate',
          'p.sku',
          'p.name',
        )
        .orderBy([{ column: 'l.orderId' }, { column: 'l.id' }])) as OrderLine[]),
    )
  }
  const linesOf = new Map<number, OrderLine[]>()
  for (const l of lines) linesOf.set(l.orderId, [...(linesOf.get(l.orderId) ?? []), l])
  const counters = new Map(
    (
      (await trx(COUNTER_TABLE).select('year', 'last').where('series', 'INV')) as Array<{
        year: number
        last: number
      }>
    ).map((c) => [c.year, c.last]),
  )
  const today = now.toISOString().slice(0, 10)

  const invoices: Array<Record<string, unknown>> = []
  const invoiceLines: NewInvoiceLine[][] = []
  const payments: Array<{ index: number; row: Record<string, unknown>; allocated: string }> = []
  const credits: Array<{ index: number; row: Record<string, unknown> }> = []
  for (const o of orders) {
    if (!linesOf.get(o.id)?.length) continue
    const built = buildLines([o], linesOf.get(o.id)!)
    const totals = invoiceTotals(built)
    const issueDate = new Date(o.deliveredAt).toISOString().slice(0, 10)
    const year = Number(issueDate.slice(0, 4))
    const n = (counters.get(year) ?? 0) + 1
    counters.set(year, n)
    const credit = creditFor(o, dec(totals.total), issueDate, today)
    const pay = paymentFor(o, dec(totals.total).minus(credit?.amount ?? 0), issueDate, today)
    const amountPaid = pay ? money(pay.allocated) : '0.00'
    const figures = { ...totals, amountPaid, creditTotal: credit ? money(credit.amount) : '0.00' }
    if (credit) {
      const reason =
        credit.kind === 'return'
          ? `Goods returned from order ${o.number}`
          : `Price correction on order ${o.number}`
      credits.push({
        index: invoices.length,
        row: {
          customerId: o.customerId,
          orderId: o.id,
          amount: money(credit.amount),
          currency: o.currency,
          reason,
          kind: credit.kind,
          status: 'applied',
          issueDate: credit.day,
          createdAt: `${credit.day}T09:00:00.000Z`,
          updatedAt: `${credit.day}T09:00:00.000Z`,
        },
      })
    }
    if (pay) {
      const receivedAt = new Date(
        Math.min(Date.parse(`${pay.day}T10:00:00Z`), now.getTime() - DAY),
      ).toISOString()
      payments.push({
        index: invoices.length,
        allocated: amountPaid,
        row: {
          customerId: o.customerId,
          partnerId: o.partnerId,
          amount: money(pay.amount),
          currency: o.currency,
          method: 'bank_transfer',
          reference: `BANK-${o.number}`,
          receivedAt,
          unallocated: money(pay.amount.minus(pay.allocated)),
        },
      })
    }
    invoices.push({
      number: formatDocumentNumber('INV', year, n),
      customerId: o.customerId,
      partnerId: o.partnerId,
      currency: o.currency,
      issueDate,
      dueDate: addDays(issueDate, o.paymentTermsDays ?? 30),
      status: settledStatus(figures),
      ...figures,
    })
    invoiceLines.push(built)
  }
  const invoiceIds = await insertChunks(trx, 'invoices', invoices)
  await insertChunks(
    trx,
    'invoice_lines',
    invoiceIds.flatMap((id, i) => invoiceLines[i]!.map((l) => ({ ...l, invoiceId: id }))),
  )
  // credit notes are numbered gap-free per year in issue order, like invoices
  credits.sort((a, b) => String(a.row.issueDate).localeCompare(String(b.row.issueDate)))
  const cnCounters = new Map(
    (
      (await trx(COUNTER_TABLE).select('year', 'last').where('series', 'CN')) as Array<{
        year: number
        last: number
      }>
    ).map((c) => [c.year, c.last]),
  )
  const creditRows = credits.map((c) => {
    const year = Number(String(c.row.issueDate).slice(0, 4))
    const n = (cnCounters.get(year) ?? 0) + 1
    cnCounters.set(year, n)
    return { ...c.row, number: formatDocumentNumber('CN', year, n), invoiceId: invoiceIds[c.index]! }
  })
  await insertChunks(trx, 'credit_notes', creditRows)
  const paymentIds = await insertChunks(
    trx,
    'payments',
    payments.map((p) => p.row),
  )
  await insertChunks(
    trx,
    'payment_allocations',
    payments.map((p, i) => ({
      paymentId: paymentIds[i]!,
      invoiceId: invoiceIds[p.index]!,
      amount: p.allocated,
    })),
  )
  for (const [series, byYear] of [
    ['INV', counters],
    ['CN', cnCounters],
  ] as const) {
    for (const [year, last] of byYear) {
      await trx.raw(
        `insert into ${COUNTER_TABLE} (series, year, last) values (?, ?, ?) on conflict (series, year) do update set last = greatest(${COUNTER_TABLE}.last, excluded.last)`,
        [series, year, last],
      )
    }
  }
  return { invoices: invoiceIds.length, payments: paymentIds.length, creditNotes: creditRows.length }
}
