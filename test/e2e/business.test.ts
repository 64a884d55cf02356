import { Decimal } from 'decimal.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import {
  bizFixture,
  cents,
  created,
  dsum,
  expectedOrder,
  expectStatus,
  type BizFixture,
} from '../marketing/fixtures.js'

/**
 * The whole business loop over HTTP: a promotion and a coupon price an order, credit and stock
 * follow it to delivery, commission accrues, finance invoices it at the locked prices after the
 * promotion ended, a partial payment shows in aging, a return gives commission back; a second,
 * large order goes on credit hold and is released.
 */
let p: TestPlatform
let f: BizFixture
let promo: number
let coupon: number
let order: any // eslint-disable-line @typescript-eslint/no-explicit-any
let invoice: any // eslint-disable-line @typescript-eslint/no-explicit-any
const want = expectedOrder([
  { unit: '100.00', qty: 2, discount: cents(new Decimal('200.00').times('0.10')) },
  { unit: '2.50', qty: 20, discount: cents(new Decimal('0.50').times(20)) },
])

beforeAll(async () => {
  p = await startTestPlatform()
  f = await bizFixture(p, 'E2E')
  const campaign = await created(f.api, '/api/campaigns', {
    code: 'LAUNCH',
    name: 'Launch',
    status: 'active',
    targetTierId: f.tiers.gold,
    budget: '500.00',
  })
  promo = await created(f.api, '/api/promotions', {
    code: 'TOOLS10',
    name: 'Tools 10%',
    kind: 'percent',
    percentOff: 10,
    categoryId: f.categories.tools,
    campaignId: campaign,
  })
  coupon = await created(f.api, '/api/promotions', {
    code: 'BOLTS',
    name: 'Bolt coupon',
    kind: 'fixed',
    amountOff: '0.50',
    productId: f.products.bolt,
    couponCode: 'WELCOME',
    usageLimit: 5,
    stackable: true,
    campaignId: campaign,
  })
  await created(f.api, '/api/commission-plans', {
    code: 'E2E-GOLD',
    name: 'Gold',
    tierId: f.tiers.gold,
    defaultPercent: 5,
  })
  await created(f.api, '/api/credit-limits', {
    customerId: f.customerId,
    amount: '5000.00',
    validFrom: new Date().toISOString().slice(0, 10),
  })
})
afterAll(async () => p?.close())

const post = (path: string, body: unknown = {}) => expectStatus(f.api, 201, 'POST', path, body)
const get = (path: string) => expectStatus(f.api, 200, 'GET', path)

describe('order to cash with marketing, risk and commissions', () => {
  it('prices the order with the campaign promotion and the coupon', async () => {
    order = await post('/api/orders', {
      customerId: f.customerId,
      warehouseId: f.warehouseId,
      couponCodes: ['WELCOME'],
      lines: [
        { productId: f.products.drill, quantity: 2 },
        { productId: f.products.bolt, quantity: 20 },
      ],
    })
    expect(
      order.lines.map((l: Record<string, unknown>) => [l.discount, l.lineTotal, l.taxAmount, l.promotionId]),
    ).toEqual([
      [want.lines[0]!.discount, want.lines[0]!.lineTotal, want.lines[0]!.taxAmount, promo],
      [want.lines[1]!.discount, want.lines[1]!.lineTotal, want.lines[1]!.taxAmount, coupon],
    ])
    expect(order).toMatchObject({
      partnerId: f.partnerId,
      subtotal: want.subtotal,
      discountTotal: want.discountTotal,
      taxTotal: want.taxTotal,
      total: want.total,
    })
  })

  it('submit → approve → ship → deliver; the coupon is counted and commission accrues on delivery', async () => {
    const s = await post(`/api/orders/${order.id}/submit`)
    expect(s).toMatchObject({ status: 'submitted', creditHold: false, total: want.total })
    expect((await get(`/api/promotions/${coupon}`)).usageCount).toBe(1)
    for (const a of ['approve', 'ship', 'deliver'])
      expect((await post(`/api/orders/${order.id}/${a}`)).status).toBe(
        a === 'approve' ? 'approved' : a === 'ship' ? 'shipped' : 'delivered',
      )
    const acc = (await get(`/api/commission-accruals?orderId=${order.id}`)).data
    const base = dsum(want.lines[0]!.lineTotal, want.lines[1]!.lineTotal)
    expect(acc).toMatchObject([
      { kind: 'accrual', partnerId: f.partnerId, base, amount: cents(new Decimal(base).times('0.05')) },
    ])
    const results = await get(`/api/campaign-results/${(await get(`/api/promotions/${promo}`)).campaignId}`)
    expect(results).toMatchObject({
      orders: 1,
      grossSales: want.total,
      tax: want.taxTotal,
      netSales: cents(new Decimal(want.total).minus(want.taxTotal)),
      discount: want.discountTotal,
      budgetRemaining: cents(new Decimal('500.00').minus(want.discountTotal)),
    })
  })

  it('invoices at the locked prices after the promotion has ended', async () => {
    await expectStatus(f.api, 200, 'PATCH', `/api/promotions/${promo}`, {
      endsAt: new Date(Date.now() - 1000).toISOString(),
      active: false,
    })
    const draft = await post('/api/invoices/from-orders', { orderIds: [order.id] })
    invoice = await post(`/api/invoices/${draft.id}/issue`)
    expect(invoice).toMatchObject({
      status: 'issued',
      subtotal: dsum(want.lines[0]!.lineTotal, want.lines[1]!.lineTotal),
      taxTotal: want.taxTotal,
      total: want.total,
    })
    const lines = (await get(`/api/invoice-lines?invoiceId=${invoice.id}&$sort[id]=1`)).data
    expect(lines.map((l: Record<string, unknown>) => [l.unitPrice, l.quantity, l.lineTotal])).toEqual([
      ['100.00', 2, want.lines[0]!.lineTotal],
      ['2.50', 20, want.lines[1]!.lineTotal],
    ])
    // exposure: the order now counts through its invoice only
    expect((await get(`/api/credit-exposure?customerId=${f.customerId}`)).exposure).toEqual({
      openOrders: '0.00',
      unpaidInvoices: want.total,
      unallocatedPayments: '0.00',
      unappliedCredits: '0.00',
      total: want.total,
    })
  })

  it('a partial payment leaves the rest open in aging and in exposure', async () => {
    const pay = await post('/api/payments', {
      customerId: f.customerId,
      amount: '100.00',
      method: 'bank_transfer',
      receivedAt: new Date().toISOString(),
    })
    await post(`/api/payments/${pay.id}/allocate`, { auto: true })
    const open = cents(new Decimal(want.total).minus('100.00'))
    expect(await get(`/api/invoices/${invoice.id}`)).toMatchObject({
      status: 'partially_paid',
      amountPaid: '100.00',
    })
    const aging = await get(`/api/ar?customerId=${f.customerId}`)
    expect(aging.customers).toMatchObject([{ customerId: f.customerId, open }])
    expect((await get(`/api/credit-exposure?customerId=${f.customerId}`)).exposure.total).toBe(open)
  })

  it('a large order goes on credit hold; approve is refused until an authorised user releases it', async () => {
    const big = await post('/api/orders', {
      customerId: f.customerId,
      warehouseId: f.warehouseId,
      lines: [{ productId: f.products.saw, quantity: 120 }],
    })
    const s = await post(`/api/orders/${big.id}/submit`)
    const exposure = dsum(want.total, '-100.00', big.total)
    expect(new Decimal(exposure).greaterThan('5000.00')).toBe(true)
    expect(s).toMatchObject({
      status: 'submitted',
      creditHold: true,
      creditHoldReason: `customer credit limit exceeded: exposure ${exposure} over limit 5000.00`,
    })
    const refused = await f.api('POST', `/api/orders/${big.id}/approve`, {})
    expect(refused.status).toBe(409)
    expect(refused.body.message).toBe(
      `order is on credit hold: customer credit limit exceeded: exposure ${exposure} over limit 5000.00`,
    )
    expect(
      (await post(`/api/orders/${big.id}/release-credit-hold`, { note: 'deposit received' })).creditHold,
    ).toBe(false)
    expect((await post(`/api/orders/${big.id}/approve`)).status).toBe('approved')
    const risk = (await get(`/api/risk-assessments?customerId=${f.customerId}&$sort[id]=-1`)).data[0]
    expect(risk.reasons.some((r: string) => r.startsWith('limit usage'))).toBe(true)
  })

  it('a return credit note reverses its share of the commission', async () => {
    const amount = cents(new Decimal(want.total).div(2))
    const cn = await post('/api/credit-notes', {
      customerId: f.customerId,
      invoiceId: invoice.id,
      orderId: order.id,
      kind: 'return',
      amount,
      reason: 'half returned',
    })
    await post(`/api/credit-notes/${cn.id}/issue`)
    const rows = (await get(`/api/commission-accruals?orderId=${order.id}&$sort[id]=1`)).data
    const accrued = rows[0].amount
    expect(rows[1]).toMatchObject({
      kind: 'reversal',
      creditNoteId: cn.id,
      amount: `-${cents(new Decimal(accrued).times(new Decimal(amount).div(want.total)))}`,
    })
    // the batch pays the net
    const batch = await post('/api/payout-batches', { partnerId: f.partnerId })
    expect(batch.total).toBe(dsum(rows[0].amount, rows[1].amount))
  })
})
