/**
 * `POST /api/payment-entries`: a payment and its allocations in one request and one transaction —
 * the payment entry screen's save. Over-allocation is a 400 naming the line and writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { financeFixture, orderIn, post, type FinanceFixture } from './fixtures.js'

let p: TestPlatform
let f: FinanceFixture
const invoices: Array<{ id: number; number: string; total: string }> = []

async function issuedInvoice(quantity: number, issueDate: string) {
  const o = await orderIn(p, f, 'delivered', [{ productId: f.products.widget, quantity }], f.otherCustomerId)
  const draft = await post(p, f.token, '/api/invoices/from-orders', { orderIds: [o.id] })
  const issued = await post(p, f.token, `/api/invoices/${draft.id}/issue`, { issueDate })
  return { id: issued.id as number, number: issued.number as string, total: issued.total as string }
}

const count = async (table: string) =>
  Number(((await p.db.knex(table).count({ n: '*' }).first()) as { n: string | number }).n)
const invoice = async (id: number) =>
  (await p.http('GET', `/api/invoices/${id}`, undefined, f.token)).body as {
    amountPaid: string
    status: string
  }
const entry = (body: Record<string, unknown>) =>
  p.http(
    'POST',
    '/api/payment-entries',
    {
      customerId: f.otherCustomerId,
      method: 'bank_transfer',
      receivedAt: '2026-12-07T09:00:00Z',
      reference: 'BANK-1',
      ...body,
    },
    f.token,
  )

beforeAll(async () => {
  p = await startTestPlatform()
  f = await financeFixture(p, 'PE')
  // two invoices of 10 × 10.00 + 13% = 113.00 and 3 × 10.00 + 13% = 33.90
  invoices.push(
    await issuedInvoice(10, new Date().toISOString().slice(0, 10)),
    await issuedInvoice(3, new Date().toISOString().slice(0, 10)),
  )
}, 600_000)
afterAll(async () => p?.close())

describe('POST /api/payment-entries', () => {
  it("refuses an allocation over an invoice's open amount with a 400 naming the line, and writes no payment", async () => {
    const [a, b] = invoices as [(typeof invoices)[0], (typeof invoices)[0]]
    const before = await count('payments')
    const r = await entry({
      amount: '200.00',
      allocations: [
        { invoiceId: a.id, amount: '100.00' },
        { invoiceId: b.id, amount: '40.00' },
      ],
    })
    expect(r.status, JSON.stringify(r.body)).toBe(400)
    expect(r.body.errors).toEqual([expect.objectContaining({ path: '/allocations/1/amount' })])
    expect(r.body.message).toContain('line 2')
    expect(r.body.message).toContain(b.number)
    expect(JSON.stringify(r.body)).not.toMatch(/select|insert|node_modules/i)
    expect(await count('payments')).toBe(before)
    expect(await count('payment_allocations')).toBe(0)
    expect((await invoice(a.id)).amountPaid).toBe('0.00')
  })

  it('refuses allocations adding up to more than the amount (400 at /allocations)', async () => {
    const r = await entry({
      amount: '50.00',
      allocations: [
        { invoiceId: invoices[0]!.id, amount: '30.00' },
        { invoiceId: invoices[1]!.id, amount: '20.01' },
      ],
    })
    expect(r.status).toBe(400)
    expect(r.body.errors).toEqual([expect.objectContaining({ path: '/allocations' })])
    expect(r.body.message).toContain('50.01')
  })

  it('names a bad payment field (400), never 500', async () => {
    const r = await entry({ amount: '12.345', allocations: [] })
    expect(r.status).toBe(400)
    expect(JSON.stringify(r.body.errors)).toContain('amount')
    expect((await entry({ amount: '10.00', bogus: 1 })).status).toBe(400)
  })

  it('writes the payment and its allocations to two invoices at once; the rest stays unallocated', async () => {
    const [a, b] = invoices as [(typeof invoices)[0], (typeof invoices)[0]]
    expect([a.total, b.total]).toEqual(['113.00', '33.90'])
    const r = await entry({
      amount: '150.00',
      allocations: [
        { invoiceId: a.id, amount: '113.00' },
        { invoiceId: b.id, amount: '20.00' },
      ],
    })
    expect(r.status).toBe(201)
    expect(r.body.payment).toMatchObject({
      customerId: f.otherCustomerId,
      amount: '150.00',
      unallocated: '17.00',
      currency: 'CNY',
    })
    expect(r.body.allocations).toEqual([
      { invoiceId: a.id, number: a.number, amount: '113.00', open: '0.00', status: 'paid' },
      { invoiceId: b.id, number: b.number, amount: '20.00', open: '13.90', status: 'partially_paid' },
    ])
    expect(await invoice(a.id)).toMatchObject({ amountPaid: '113.00', status: 'paid' })
    expect(await invoice(b.id)).toMatchObject({ amountPaid: '20.00', status: 'partially_paid' })
    const rows = (await p.db
      .knex('payment_allocations')
      .where('paymentId', r.body.payment.id)
      .orderBy('invoiceId')
      .select('invoiceId', 'amount')) as Array<{ invoiceId: number; amount: string }>
    expect(rows.map((x) => [x.invoiceId, String(x.amount)])).toEqual([
      [a.id, '113.00'],
      [b.id, '20.00'],
    ])
  })

  it('a retry with the same Idempotency-Key records nothing twice', async () => {
    const body = {
      customerId: f.otherCustomerId,
      method: 'cash',
      receivedAt: '2026-12-07T10:00:00Z',
      amount: '5.00',
      allocations: [{ invoiceId: invoices[1]!.id, amount: '5.00' }],
    }
    const send = () =>
      p.http('POST', '/api/payment-entries', body, f.token, { 'Idempotency-Key': 'pe-retry-1' })
    const first = await send()
    expect(first.status).toBe(201)
    const before = await count('payments')
    const again = await send()
    expect(again.body.payment.id).toBe(first.body.payment.id)
    expect(await count('payments')).toBe(before)
    expect((await invoice(invoices[1]!.id)).amountPaid).toBe('25.00')
  })

  it('is described in the OpenAPI document', async () => {
    const doc = (await p.http('GET', '/api/openapi.json')).body as {
      paths: Record<string, { post?: unknown }>
    }
    expect(doc.paths['/api/payment-entries']?.post).toBeDefined()
  })
})
