import { Decimal } from 'decimal.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { automationOf } from '@plume/core/internal'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { ordersApi } from '@plume/plugin-orders'
import { financeFixture, orderIn, post, type FinanceFixture } from '../finance/fixtures.js'

/**
 * One exposure definition: open orders not yet invoiced (a delivered order closed before it was
 * invoiced included) + open invoice balances (total − paid − credited) − unallocated cash −
 * unapplied credit notes; and the limit: a credit-limit record, else `customer.creditLimit`.
 * Expected figures are computed here from the order totals and the amounts the test chose.
 */
let p: TestPlatform
let f: FinanceFixture
const cents = (v: Decimal.Value) => new Decimal(v).toFixed(2)
const get = async (path: string) => {
  const r = await p.http('GET', path, undefined, f.token)
  if (r.status !== 200) throw new Error(`GET ${path} → ${r.status} ${JSON.stringify(r.body)}`)
  return r.body
}

beforeAll(async () => {
  p = await startTestPlatform({ demo: false })
  f = await financeFixture(p, 'EXP')
})
afterAll(async () => p?.close())

describe('credit exposure', () => {
  let expected: {
    openOrders: string
    unpaidInvoices: string
    unallocatedPayments: string
    unappliedCredits: string
    total: string
  }

  beforeAll(async () => {
    const w = f.products.widget
    const submitted = await orderIn(p, f, 'submitted', [{ productId: w, quantity: 3 }])
    const closedUninvoiced = await orderIn(p, f, 'closed', [{ productId: f.products.gadget, quantity: 1 }])
    const invoicedOrder = await orderIn(p, f, 'delivered', [{ productId: w, quantity: 20 }])
    // neither a cancelled nor a draft order is owed
    const cancelled = await orderIn(p, f, 'submitted', [{ productId: w, quantity: 2 }])
    await p.db.knex.transaction((trx) => ordersApi(p.app).transition(trx, cancelled.id, 'cancel'))
    await p.app.service('api/orders').create({
      customerId: f.customerId,
      warehouseId: f.warehouseId,
      lines: [{ productId: w, quantity: 1 }],
    })

    const invoice = await post(p, f.token, '/api/invoices/from-orders', { orderIds: [invoicedOrder.id] })
    await post(p, f.token, `/api/invoices/${String(invoice.id)}/issue`, {})
    const now = new Date().toISOString()
    const paid = await post(p, f.token, '/api/payments', {
      customerId: f.customerId,
      amount: '100.00',
      method: 'bank_transfer',
      receivedAt: now,
    })
    await post(p, f.token, `/api/payments/${String(paid.id)}/allocate`, {
      allocations: [{ invoiceId: invoice.id, amount: '100.00' }],
    })
    const applied = await post(p, f.token, '/api/credit-notes', {
      customerId: f.customerId,
      invoiceId: invoice.id,
      amount: '20.00',
      reason: 'damaged on arrival',
    })
    expect((await post(p, f.token, `/api/credit-notes/${String(applied.id)}/issue`, {})).status).toBe(
      'applied',
    )
    // cash not yet allocated and a credit note not yet applied are the customer's credit
    await post(p, f.token, '/api/payments', {
      customerId: f.customerId,
      amount: '50.00',
      method: 'cash',
      receivedAt: now,
    })
    const unapplied = await post(p, f.token, '/api/credit-notes', {
      customerId: f.customerId,
      amount: '30.00',
      reason: 'goodwill',
    })
    expect((await post(p, f.token, `/api/credit-notes/${String(unapplied.id)}/issue`, {})).status).toBe(
      'issued',
    )

    const openOrders = new Decimal(submitted.total).plus(closedUninvoiced.total)
    const unpaidInvoices = new Decimal(invoicedOrder.total).minus('100.00').minus('20.00')
    expected = {
      openOrders: cents(openOrders),
      unpaidInvoices: cents(unpaidInvoices),
      unallocatedPayments: '50.00',
      unappliedCredits: '30.00',
      total: cents(openOrders.plus(unpaidInvoices).minus('50.00').minus('30.00')),
    }
  })

  it('counts open and closed-uninvoiced orders plus open invoices, less unallocated cash and unapplied credit notes', async () => {
    const s = await get(`/api/credit-exposure?customerId=${f.customerId}`)
    expect(s.exposure).toEqual(expected)
    // the partner's exposure: the same documents (all of them go through the partner)
    expect((await get(`/api/credit-exposure?partnerId=${f.partnerId}`)).exposure).toEqual(expected)
  })

  it('agrees with the receivables balance: exposure − open orders = /api/ar balance (open − credit)', async () => {
    const ar = await get(`/api/ar?customerId=${f.customerId}`)
    expect(ar.customers).toHaveLength(1)
    expect(ar.customers[0]).toMatchObject({
      open: expected.unpaidInvoices,
      credit: '80.00',
      balance: cents(new Decimal(expected.total).minus(expected.openOrders)),
    })
  })

  it('the automation facts (customerExposure, orderCredit) read the same exposure and limit', async () => {
    const facts = automationOf(p.app).registry.facts
    const ctx = { app: p.app, db: p.db.knex, now: new Date() }
    // no limit in force yet: the customer is not listed, and orderCredit says so
    const none = (await facts.get('customerExposure')!.load(ctx)) as Array<{ id: number }>
    expect(none.some((c) => c.id === f.customerId)).toBe(false)
    expect(
      await facts
        .get('orderCredit')!
        .load({ ...ctx, record: { id: 0, customerId: f.customerId, total: '10.00' } }),
    ).toMatchObject({ hasLimit: false, exposure: Number(expected.total) })
    await p.db.knex('customers').where('id', f.customerId).update({ creditLimit: '10000.00' })
    const listed = (await facts.get('customerExposure')!.load(ctx)) as Array<{
      id: number
      creditLimit: string
      exposure: string
      ratio: number
    }>
    expect(listed.find((c) => c.id === f.customerId)).toMatchObject({
      creditLimit: '10000.00',
      exposure: expected.total,
      ratio: new Decimal(expected.total).div(100).toDecimalPlaces(2).toNumber(),
    })
    expect(
      await facts
        .get('orderCredit')!
        .load({ ...ctx, record: { id: 0, customerId: f.customerId, total: '10.00' } }),
    ).toEqual({
      limit: 10000,
      exposure: Number(expected.total),
      orderTotal: 10,
      projected: Number(expected.total) + 10,
      hasLimit: true,
    })
    await p.db.knex('customers').where('id', f.customerId).update({ creditLimit: '0.00' })
  })

  it('customer.creditLimit is the limit when no credit-limit record applies; a record wins over it', async () => {
    const before = await get(`/api/credit-exposure?customerId=${f.customerId}`)
    expect(before).toMatchObject({ limit: null, available: null })
    const limit = cents(new Decimal(expected.total).plus('1.00'))
    expect(
      (await p.http('PATCH', `/api/customers/${f.customerId}`, { creditLimit: limit }, f.token)).status,
    ).toBe(200)
    expect(await get(`/api/credit-exposure?customerId=${f.customerId}`)).toMatchObject({
      limit,
      exposure: expected,
      available: '1.00',
    })

    // a submit that takes exposure over the customer's own limit is held, naming both figures
    const order = (await p.app.service('api/orders').create({
      customerId: f.customerId,
      warehouseId: f.warehouseId,
      lines: [{ productId: f.products.widget, quantity: 1 }],
    })) as { id: number }
    const r = await p.http('POST', `/api/orders/${order.id}/submit`, {}, f.token)
    expect(r.status).toBe(201)
    const after = cents(new Decimal(expected.total).plus(r.body.total))
    expect(r.body).toMatchObject({
      status: 'submitted',
      creditHold: true,
      creditHoldReason: `customer credit limit exceeded: exposure ${after} over limit ${limit}`,
    })

    // a credit-limit record in force is the source of truth over the field
    const today = new Date().toISOString().slice(0, 10)
    await post(p, f.token, '/api/credit-limits', {
      customerId: f.customerId,
      amount: '99999.00',
      validFrom: today,
    })
    expect(await get(`/api/credit-exposure?customerId=${f.customerId}`)).toMatchObject({
      limit: '99999.00',
      available: cents(new Decimal('99999.00').minus(after)),
    })
  })
})
