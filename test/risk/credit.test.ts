import { Decimal } from 'decimal.js'
import type { Knex } from 'knex'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import {
  bizFixture,
  cents,
  created,
  draftOrder,
  dsum,
  expectStatus,
  type BizFixture,
} from '../marketing/fixtures.js'

let p: TestPlatform
let f: BizFixture
const today = new Date().toISOString().slice(0, 10)
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10)

beforeAll(async () => {
  p = await startTestPlatform()
  f = await bizFixture(p, 'RSK')
})
afterAll(async () => p?.close())

/** What finance would write: an invoice billing some orders (straight into the tables, so this suite does not depend on finance). */
async function invoice(
  customerId: number,
  total: string,
  amountPaid: string,
  dueDate: string,
  orderIds: number[] = [],
  partnerId: number | null = null,
): Promise<number> {
  const [row] = await p.db
    .knex('invoices')
    .insert({
      number: `INV-T-${Math.random().toString(36).slice(2, 10)}`,
      customerId,
      partnerId,
      status: new Decimal(amountPaid).isZero() ? 'issued' : 'partially_paid',
      issueDate: daysAgo(60),
      dueDate,
      total,
      subtotal: total,
      amountPaid,
    })
    .returning('id')
  for (const orderId of orderIds)
    await p.db.knex('invoice_lines').insert({
      invoiceId: row.id,
      orderId,
      description: 'order',
      quantity: 1,
      unitPrice: total,
      lineTotal: total,
    })
  return row.id as number
}
const status = (q: string) => expectStatus(f.api, 200, 'GET', `/api/credit-exposure?${q}`)
const submit = (id: number) => expectStatus(f.api, 201, 'POST', `/api/orders/${id}/submit`, {})
const drills = (n: number) => cents(new Decimal('100.00').times(n).times('1.13'))

describe('credit limits, exposure and holds', () => {
  let customerId: number
  let a: any // eslint-disable-line @typescript-eslint/no-explicit-any
  let b: any // eslint-disable-line @typescript-eslint/no-explicit-any

  beforeAll(async () => {
    customerId = await created(f.api, '/api/customers', { code: 'LIMITED', name: 'Limited Ltd' })
    await created(f.api, '/api/credit-limits', {
      customerId,
      amount: '500.00',
      validFrom: daysAgo(400),
      validTo: daysAgo(1),
    })
    await created(f.api, '/api/credit-limits', { customerId, amount: '1000.00', validFrom: today })
  })

  it('an order within the limit goes through; exposure counts it', async () => {
    a = await submit((await draftOrder(f, customerId, [{ productId: f.products.drill, quantity: 5 }])).id)
    expect(a).toMatchObject({ status: 'submitted', creditHold: false, total: drills(5) })
    expect(await status(`customerId=${customerId}`)).toMatchObject({
      limit: '1000.00',
      exposure: {
        openOrders: drills(5),
        unpaidInvoices: '0.00',
        unallocatedPayments: '0.00',
        unappliedCredits: '0.00',
        total: drills(5),
      },
      available: cents(new Decimal('1000.00').minus(drills(5))),
    })
  })

  it('an order over the limit is submitted but held with the reason; approve is refused until released', async () => {
    b = await submit((await draftOrder(f, customerId, [{ productId: f.products.drill, quantity: 4 }])).id)
    const exposure = dsum(drills(5), drills(4))
    const reason = `customer credit limit exceeded: exposure ${exposure} over limit 1000.00`
    expect(b).toMatchObject({ status: 'submitted', creditHold: true, creditHoldReason: reason })
    const holds = await expectStatus(f.api, 200, 'GET', `/api/credit-holds?orderId=${b.id}`)
    expect(holds.data).toMatchObject([{ orderId: b.id, customerId, status: 'open', reason }])
    expect(holds.data[0].reasons).toEqual([
      { check: 'customer-limit', message: reason, exposure, limit: '1000.00' },
    ])
    const r = await f.api('POST', `/api/orders/${b.id}/approve`, {})
    expect(r.status).toBe(409)
    expect(r.body.message).toBe(`order is on credit hold: ${reason}`)
    expect(
      (await f.api('POST', '/api/credit-holds', { orderId: b.id, customerId, reason: 'x' })).status,
    ).toBe(405)
  })

  it('release-credit-hold lets it be approved; the hold record says who and why', async () => {
    const rel = await expectStatus(f.api, 201, 'POST', `/api/orders/${b.id}/release-credit-hold`, {
      note: 'paid in advance',
    })
    expect(rel).toMatchObject({ id: b.id, creditHold: false, status: 'submitted' })
    const hold = (await expectStatus(f.api, 200, 'GET', `/api/credit-holds?orderId=${b.id}`)).data[0]
    expect(hold).toMatchObject({ status: 'released', note: 'paid in advance' })
    expect(hold.decidedById).toBeGreaterThan(0)
    expect(hold.decidedAt).toBeTruthy()
    expect((await f.api('POST', `/api/orders/${b.id}/release-credit-hold`, {})).status).toBe(409)
    expect((await expectStatus(f.api, 201, 'POST', `/api/orders/${b.id}/approve`, {})).status).toBe(
      'approved',
    )
  })

  it('reject-credit-hold cancels the order and frees its stock', async () => {
    const c = await submit(
      (await draftOrder(f, customerId, [{ productId: f.products.bolt, quantity: 7 }])).id,
    )
    expect(c.creditHold).toBe(true)
    const before = await p.db
      .knex('stock_levels')
      .where({ productId: f.products.bolt, warehouseId: f.warehouseId })
      .first('reserved')
    const rej = await expectStatus(f.api, 201, 'POST', `/api/orders/${c.id}/reject-credit-hold`, {
      note: 'no',
    })
    expect(rej).toMatchObject({ status: 'cancelled', creditHold: false })
    expect(rej.cancelReason).toMatch(/^Credit hold rejected: customer credit limit exceeded/)
    const after = await p.db
      .knex('stock_levels')
      .where({ productId: f.products.bolt, warehouseId: f.warehouseId })
      .first('reserved')
    expect(after.reserved).toBe(before.reserved - 7)
    expect(
      (await expectStatus(f.api, 200, 'GET', `/api/credit-holds?orderId=${c.id}`)).data[0],
    ).toMatchObject({ status: 'rejected', note: 'no' })
  })

  it('an invoiced order counts once, through its unpaid balance', async () => {
    await invoice(customerId, a.total, '100.00', daysAgo(-30), [a.id])
    const s = await status(`customerId=${customerId}`)
    expect(s.exposure).toEqual({
      openOrders: b.total,
      unpaidInvoices: cents(new Decimal(a.total).minus('100.00')),
      unallocatedPayments: '0.00',
      unappliedCredits: '0.00',
      total: dsum(b.total, a.total, '-100.00'),
    })
  })
})

describe('overdue invoices', () => {
  it('holds an order of a customer with an invoice overdue beyond the policy days', async () => {
    const customerId = await created(f.api, '/api/customers', { code: 'LATE', name: 'Late payer' })
    await invoice(customerId, '200.00', '50.00', daysAgo(45))
    const o = await submit((await draftOrder(f, customerId, [{ productId: f.products.saw, quantity: 1 }])).id)
    expect(o.creditHold).toBe(true)
    expect(o.creditHoldReason).toMatch(
      /^1 invoice\(s\) overdue by more than 30 days \(150\.00 unpaid; oldest INV-T-\w+ due \d{4}-\d{2}-\d{2}\)$/,
    )
    // a laxer policy: 60 days
    await created(f.api, '/api/credit-policies', { code: 'LAX', overdueDays: 60 })
    const o2 = await submit(
      (await draftOrder(f, customerId, [{ productId: f.products.saw, quantity: 1 }])).id,
    )
    expect(o2.creditHold).toBe(false)
    await expectStatus(
      f.api,
      200,
      'PATCH',
      `/api/credit-policies/${(await p.db.knex('credit_policies').where({ code: 'LAX' }).first('id')).id}`,
      { active: false },
    )
  })

  it('checks the partner limit too', async () => {
    const partnerId = await created(f.api, '/api/partners', {
      code: 'P-SMALL',
      name: 'Small partner',
      kind: 'reseller',
      tierId: f.tiers.silver,
    })
    const customerId = await created(f.api, '/api/customers', {
      code: 'C-SMALL',
      name: 'Small partner customer',
      partnerId,
    })
    await created(f.api, '/api/credit-limits', { partnerId, amount: '100.00', validFrom: today })
    const o = await submit((await draftOrder(f, customerId, [{ productId: f.products.saw, quantity: 3 }])).id)
    expect(o.creditHoldReason).toBe(
      `partner credit limit exceeded: exposure ${cents(new Decimal('120.00').times('1.13'))} over limit 100.00`,
    )
    expect(await status(`partnerId=${partnerId}`)).toMatchObject({
      limit: '100.00',
      available: cents(new Decimal('100.00').minus('135.60')),
    })
    expect((await f.api('GET', '/api/credit-exposure')).status).toBe(400)
  })
})

describe('risk scores', () => {
  it('scores overdue ratio, limit usage and returns, with reasons, recomputed on order events', async () => {
    const customerId = await created(f.api, '/api/customers', { code: 'SCORED', name: 'Scored' })
    await created(f.api, '/api/credit-limits', { customerId, amount: '3000.00', validFrom: today })
    const overdueInv = await invoice(customerId, '1000.00', '0.00', daysAgo(10))
    await invoice(customerId, '1000.00', '0.00', daysAgo(-20))
    await p.db.knex('credit_notes').insert({
      number: 'CN-T-1',
      customerId,
      invoiceId: overdueInv,
      amount: '100.00',
      reason: 'return',
      status: 'issued',
    })
    const o = await submit(
      (await draftOrder(f, customerId, [{ productId: f.products.drill, quantity: 1 }])).id,
    )
    expect(o.creditHold).toBe(false)
    // independent arithmetic: 40 × 1000/2000 + 30 × (2000 + 113 − 100)/3000 + 15 × min((100/2000)/0.2, 1)
    // (the credit note is issued, not applied: customer credit that lowers the exposure)
    const exposure = new Decimal('2000.00').plus(o.total).minus('100.00')
    const points = new Decimal(40)
      .times('0.5')
      .plus(new Decimal(30).times(exposure.div('3000.00')))
      .plus(new Decimal(15).times(new Decimal('100').div('2000').div('0.2')))
    const score = points.toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber()
    expect(score).toBe(44)
    const rows = await expectStatus(
      f.api,
      200,
      'GET',
      `/api/risk-assessments?customerId=${customerId}&$sort[id]=-1`,
    )
    expect(rows.data[0]).toMatchObject({ customerId, score, level: 'medium' })
    expect(rows.data[0].reasons).toEqual([
      'overdue ratio 50.0% (1000.00 of 2000.00 open)',
      `limit usage 67.1% (${exposure.toFixed(2)} of 3000.00)`,
      'return rate 5.0% (100.00 credited of 2000.00 invoiced)',
    ])
    expect((await status(`customerId=${customerId}`)).risk).toEqual({
      score,
      level: 'medium',
      reasons: rows.data[0].reasons,
    })
    // nothing changed → no new row; a cancel changes the exposure → a new row
    const count = rows.total
    await expectStatus(f.api, 201, 'POST', `/api/orders/${o.id}/cancel`, {})
    const after = await expectStatus(
      f.api,
      200,
      'GET',
      `/api/risk-assessments?customerId=${customerId}&$sort[id]=-1`,
    )
    expect(after.total).toBe(count + 1)
    expect(after.data[0].score).toBe(
      new Decimal(20)
        .plus(new Decimal(30).times(new Decimal('1900').div('3000')))
        .plus('3.75')
        .toDecimalPlaces(0, Decimal.ROUND_HALF_UP)
        .toNumber(),
    )
  })

  it('flags an order-value spike', async () => {
    const customerId = await created(f.api, '/api/customers', { code: 'SPIKY', name: 'Spiky' })
    for (let i = 0; i < 3; i++)
      await submit((await draftOrder(f, customerId, [{ productId: f.products.saw, quantity: 1 }])).id)
    await submit((await draftOrder(f, customerId, [{ productId: f.products.drill, quantity: 2 }])).id)
    const s = await status(`customerId=${customerId}`)
    expect(s.risk).toEqual({
      score: 15,
      level: 'low',
      reasons: ['order value spike: 226.00 is 5.0× the average 45.20 of the 3 orders before'],
    })
  })
})

describe('re-scoring after submits', () => {
  it('re-scores the buyers of submits that commit together in shared transactions, and covers every job', async () => {
    const n = 8
    const customers = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        created(f.api, '/api/customers', { code: `BATCH-${i}`, name: `Batch ${i}` }),
      ),
    )
    // one limit each, so the score has a figure that depends on the customer's own order
    for (const [i, customerId] of customers.entries())
      await created(f.api, '/api/credit-limits', {
        customerId,
        amount: `${1000 + i * 100}.00`,
        validFrom: today,
      })
    const drafts = await Promise.all(
      customers.map((c) => draftOrder(f, c, [{ productId: f.products.saw, quantity: 1 }])),
    )
    const submitted = await Promise.all(drafts.map((d) => submit(d.id)))
    const k = p.db.knex
    const rows = (await k('risk_assessments')
      .whereIn('customerId', customers)
      .select('customerId', 'score', 'reasons', k.raw('xmin::text as tx'))) as Array<{
      customerId: number
      score: number
      reasons: string[] | string
      tx: string
    }>
    // one assessment per buyer, each reading its own order's exposure
    expect(rows.map((r) => r.customerId).sort((a, b) => a - b)).toEqual([...customers].sort((a, b) => a - b))
    for (const [i, customerId] of customers.entries()) {
      const row = rows.find((r) => r.customerId === customerId)!
      const reasons = typeof row.reasons === 'string' ? (JSON.parse(row.reasons) as string[]) : row.reasons
      const limit = new Decimal(1000 + i * 100)
      const total = submitted.find((o) => o.customerId === customerId).total as string
      expect(reasons).toEqual([
        `limit usage ${new Decimal(total).div(limit).times(100).toDecimalPlaces(1).toFixed(1)}% (${total} of ${limit.toFixed(2)})`,
      ])
    }
    // PostgreSQL: fewer transactions than buyers, runs asked for together share one (PGlite's one
    // connection runs the submits one after the other: each re-scoring finds only its own buyer)
    if (p.kind === 'postgres') expect(new Set(rows.map((r) => r.tx)).size).toBeLessThan(n)
    // and the durable jobs of these submits are all done, none left for the worker
    const jobs = (await k('plume_jobs')
      .where('name', 'risk.assess')
      .whereRaw(`(payload->>'customerId')::int = any(?::int[])`, [customers as unknown as Knex.RawBinding])
      .select('status')) as Array<{ status: string }>
    expect(jobs.length).toBe(n)
    expect(jobs.every((j) => j.status === 'done')).toBe(true)
  })
})
