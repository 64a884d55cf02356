import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { financeFixture, orderIn, warmUp, type FinanceFixture } from './fixtures.js'

let p: TestPlatform
let f: FinanceFixture

beforeAll(async () => {
  p = await startTestPlatform()
  f = await financeFixture(p, 'NUM')
})
afterAll(async () => p?.close())

const year = new Date().getUTCFullYear()

describe('gap-free invoice numbers', () => {
  it(`20 concurrent invoice creations get 1..20 with no gap or duplicate, failures take no number`, async () => {
    const orders = []
    for (let i = 0; i < 20; i++)
      orders.push(await orderIn(p, f, 'delivered', [{ productId: f.products.widget, quantity: 1 + (i % 3) }]))
    const notDelivered = await orderIn(p, f, 'approved', [{ productId: f.products.widget, quantity: 1 }])
    await warmUp(p)
    // all at once over HTTP (several pooled connections on PostgreSQL), with failing requests mixed in
    const calls = orders.flatMap((o, i) => {
      const ok = p.http('POST', '/api/invoices/from-orders', { orderIds: [o.id] }, f.token)
      return i % 4 === 0
        ? [ok, p.http('POST', '/api/invoices/from-orders', { orderIds: [notDelivered.id] }, f.token)]
        : [ok]
    })
    const results = await Promise.all(calls)
    const created = results.filter((r) => r.status === 201)
    expect(created).toHaveLength(20)
    expect(results.filter((r) => r.status === 409)).toHaveLength(5)
    const numbers = created.map((r) => r.body.number as string).sort()
    expect(numbers).toEqual(
      Array.from({ length: 20 }, (_, i) => `INV-${year}-${String(i + 1).padStart(6, '0')}`),
    )
    const counter = await p.db.knex('finance_document_counters').where({ series: 'INV', year }).first('last')
    expect(counter).toEqual({ last: 20 })
  })

  it('two requests racing for the same order: one invoice, one 409', async () => {
    const o = await orderIn(p, f, 'delivered', [{ productId: f.products.gadget, quantity: 1 }])
    await warmUp(p)
    const [a, b] = await Promise.all(
      [0, 1].map(() => p.http('POST', '/api/invoices/from-orders', { orderIds: [o.id] }, f.token)),
    )
    expect([a!.status, b!.status].sort()).toEqual([201, 409])
    const lines = await p.db.knex('invoice_lines').where({ orderId: o.id }).count({ c: '*' }).first()
    expect(Number(lines?.c)).toBe(1)
    expect((a!.status === 201 ? a! : b!).body.number).toBe(`INV-${year}-000021`)
  })
})
