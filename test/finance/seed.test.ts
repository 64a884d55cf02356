import { Decimal } from 'decimal.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { financeApi } from '@plume/plugin-finance'

let p: TestPlatform

beforeAll(async () => {
  p = await startTestPlatform({ demo: true })
}, 600_000)
afterAll(async () => p?.close())

type Row = Record<string, unknown>

describe('finance demo data', () => {
  it("invoices every delivered and closed demo order once, at the order's figures, with gap-free numbers per year", async () => {
    const k = p.db.knex
    const orders = (await k('orders')
      .whereIn('status', ['delivered', 'closed'])
      .select('id', 'total')) as Array<{ id: number; total: string }>
    expect(orders.length).toBeGreaterThan(100)
    const billed = (await k('invoice_lines as l')
      .join('invoices as i', 'i.id', 'l.invoiceId')
      .groupBy('l.orderId')
      .select(
        'l.orderId',
        k.raw('count(distinct i.id)::int as n'),
        k.raw('min(i.total)::text as total'),
      )) as Array<{ orderId: number; n: number; total: string }>
    expect(billed.length).toBe(orders.length)
    const totals = new Map(orders.map((o) => [o.id, o.total]))
    for (const b of billed) {
      expect(b.n).toBe(1)
      expect(b.total).toBe(totals.get(b.orderId))
    }
    const numbers = (await k('invoices').select('number').orderBy('number')) as Array<{ number: string }>
    const byYear = new Map<string, number[]>()
    for (const { number } of numbers) {
      const [, y, n] = number.split('-')
      byYear.set(y!, [...(byYear.get(y!) ?? []), Number(n)])
    }
    for (const [y, ns] of byYear) {
      expect(ns, y).toEqual(Array.from({ length: ns.length }, (_, i) => i + 1))
      expect(
        (await k('finance_document_counters')
          .where({ series: 'INV', year: Number(y) })
          .first('last')) as Row,
      ).toEqual({ last: ns.length })
    }
  })

  it('pays them consistently: allocations match amountPaid, credit notes creditTotal, payments keep the rest as credit', async () => {
    const k = p.db.knex
    const bad =
      await k.raw(`select i.number from invoices i left join (select "invoiceId", sum(amount) as s from payment_allocations group by 1) a on a."invoiceId" = i.id
                             left join (select "invoiceId", sum(amount) as s from credit_notes where status = 'applied' group by 1) c on c."invoiceId" = i.id
                             where coalesce(a.s, 0) <> i."amountPaid" or coalesce(c.s, 0) <> i."creditTotal" or i."amountPaid" + i."creditTotal" > i.total
                                or i.status <> case when i."amountPaid" + i."creditTotal" >= i.total then 'paid' when i."amountPaid" + i."creditTotal" > 0 then 'partially_paid' else 'issued' end`)
    expect((bad as { rows: Row[] }).rows).toEqual([])
    const statuses = (await k('invoices').select('status').count({ c: '*' }).groupBy('status')) as Array<{
      status: string
    }>
    expect(statuses.map((s) => s.status).sort()).toEqual(['issued', 'paid', 'partially_paid'])
    const credit = (await k('payments').where('unallocated', '>', 0).count({ c: '*' }).first()) as {
      c: string
    }
    expect(Number(credit.c)).toBeGreaterThan(0)
  })

  it('the receivables report adds up: open − credit = invoiced − received − credited', async () => {
    const report = await financeApi(p.app).agingReport({ asOf: new Date().toISOString().slice(0, 10) })
    const k = p.db.knex
    const sums = (await k.raw(
      `select (select coalesce(sum(total), 0) from invoices where status <> 'void')::text as billed, (select coalesce(sum(amount), 0) from payments)::text as received, (select coalesce(sum(amount), 0) from credit_notes where status = 'applied')::text as credited`,
    )) as { rows: Array<{ billed: string; received: string; credited: string }> }
    expect(Number(sums.rows[0]!.credited)).toBeGreaterThan(0)
    const total = report.totals.find((t) => t.currency === 'CNY')!
    expect(total.balance).toBe(
      new Decimal(sums.rows[0]!.billed)
        .minus(sums.rows[0]!.received)
        .minus(sums.rows[0]!.credited)
        .toFixed(2),
    )
    const viaCustomers = report.customers.reduce((s, c) => s.plus(c.balance), new Decimal(0))
    const viaPartners = report.partners.reduce((s, c) => s.plus(c.balance), new Decimal(0))
    expect(viaCustomers.toFixed(2)).toBe(total.balance)
    expect(viaPartners.toFixed(2)).toBe(total.balance)
  })
})
