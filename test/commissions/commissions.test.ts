import { Decimal } from 'decimal.js'
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
const pct = (base: string, rate: string) => cents(new Decimal(base).times(rate).div(100))

beforeAll(async () => {
  p = await startTestPlatform()
  f = await bizFixture(p, 'COM')
  await created(f.api, '/api/commission-plans', {
    code: 'GOLD',
    name: 'Gold plan',
    tierId: f.tiers.gold,
    defaultPercent: 5,
    categoryRates: [{ categoryId: f.categories.tools, percent: 8 }],
    volumeTiers: [{ minVolume: '1000.00', bonusPercent: 1.5 }],
    tierMode: 'cliff',
  })
  await created(f.api, '/api/commission-plans', {
    code: 'ANY',
    name: 'Everyone else',
    defaultPercent: 2,
    basis: 'paid',
  })
})
afterAll(async () => p?.close())

async function deliveredOrder(
  customerId: number,
  lines: Array<{ productId: number; quantity: number }>,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<any> {
  const o = await draftOrder(f, customerId, lines)
  for (const a of ['submit', 'approve', 'ship', 'deliver'])
    await expectStatus(f.api, 201, 'POST', `/api/orders/${o.id}/${a}`, {})
  return expectStatus(f.api, 200, 'GET', `/api/orders/${o.id}`)
}
/** Invoices a delivered order through finance and issues the invoice. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function invoiceOf(orderId: number): Promise<any> {
  const inv = await expectStatus(f.api, 201, 'POST', '/api/invoices/from-orders', { orderIds: [orderId] })
  return expectStatus(f.api, 201, 'POST', `/api/invoices/${inv.id}/issue`, {})
}
const accrualsOf = async (orderId: number) =>
  (await expectStatus(f.api, 200, 'GET', `/api/commission-accruals?orderId=${orderId}&$sort[id]=1`)).data

describe('commission accruals', () => {
  let first: number
  let second: number

  it('accrue on delivery: rate by category, plan rate otherwise, per line in cents', async () => {
    const o = await deliveredOrder(f.customerId, [
      { productId: f.products.drill, quantity: 3 },
      { productId: f.products.bolt, quantity: 40 },
    ])
    first = o.id
    const [a] = await accrualsOf(o.id)
    expect(a).toMatchObject({
      partnerId: f.partnerId,
      kind: 'accrual',
      base: '400.00',
      amount: dsum(pct('300.00', '8'), pct('100.00', '5')),
      status: 'open',
      period: new Date().toISOString().slice(0, 7),
    })
    expect(a.details).toEqual([
      {
        orderLineId: o.lines?.[0]?.id ?? a.details[0].orderLineId,
        categoryId: f.categories.tools,
        base: '300.00',
        percent: '8',
        amount: '24.00',
      },
      {
        orderLineId: a.details[1].orderLineId,
        categoryId: f.categories.parts,
        base: '100.00',
        percent: '5',
        amount: '5.00',
      },
    ])
    // nothing before delivery
    const draft = await draftOrder(f, f.customerId, [{ productId: f.products.drill, quantity: 1 }])
    await expectStatus(f.api, 201, 'POST', `/api/orders/${draft.id}/submit`, {})
    expect(await accrualsOf(draft.id)).toEqual([])
  })

  it('the period volume bonus starts once the partner passes the threshold', async () => {
    const o = await deliveredOrder(f.customerId, [
      { productId: f.products.drill, quantity: 7 },
      { productId: f.products.bolt, quantity: 10 },
    ])
    second = o.id
    const [a] = await accrualsOf(o.id)
    // volume 400.00 + 725.00 ≥ 1000.00 → +1.5%: 700.00 × 9.5% and 25.00 × 6.5% (1.625 → 1.63)
    expect(a.amount).toBe(dsum(pct('700.00', '9.5'), pct('25.00', '6.5')))
    expect(a.amount).toBe('68.13')
    expect(a.reason).toMatch(/volume 1125\.00 in \d{4}-\d{2} adds 1\.5%/)
    expect(
      (
        await f.api('POST', '/api/commission-accruals', {
          partnerId: f.partnerId,
          orderId: o.id,
          kind: 'accrual',
          base: '1',
          amount: '1',
          period: 'x',
        })
      ).status,
    ).toBe(405)
  })

  it('payout batch: gathers open accruals, draft → approved → paid', async () => {
    const batch = await expectStatus(f.api, 201, 'POST', '/api/payout-batches', { partnerId: f.partnerId })
    expect(batch).toMatchObject({ status: 'draft', total: dsum('29.00', '68.13'), accruals: 2 })
    expect((await f.api('POST', '/api/payout-batches', { partnerId: f.partnerId })).status).toBe(400)
    expect((await f.api('POST', `/api/payout-batches/${batch.id}/pay`, {})).status).toBe(409)
    const approved = await expectStatus(f.api, 201, 'POST', `/api/payout-batches/${batch.id}/approve`, {})
    expect(approved).toMatchObject({ status: 'approved' })
    expect(approved.approvedById).toBeGreaterThan(0)
    expect((await f.api('PATCH', `/api/payout-batches/${batch.id}`, { reference: 'late' })).status).toBe(409)
    const paid = await expectStatus(f.api, 201, 'POST', `/api/payout-batches/${batch.id}/pay`, {
      reference: 'BANK-1',
    })
    expect(paid).toMatchObject({ status: 'paid', reference: 'BANK-1' })
    expect((await accrualsOf(first))[0].status).toBe('paid')
    expect((await accrualsOf(second))[0].status).toBe('paid')
  })

  it('a return reverses its share of the commission; the next batch nets it', async () => {
    const o = await deliveredOrder(f.customerId, [{ productId: f.products.saw, quantity: 10 }])
    const [a] = await accrualsOf(o.id)
    // volume now above the threshold: 400.00 × (8 + 1.5)%
    expect(a.amount).toBe(pct('400.00', '9.5'))
    // finance: invoice the order, issue it, then a return credit note for a quarter of it
    const inv = await invoiceOf(o.id)
    const quarter = cents(new Decimal(o.total).div(4))
    const cn = await expectStatus(f.api, 201, 'POST', '/api/credit-notes', {
      customerId: f.customerId,
      invoiceId: inv.id,
      orderId: o.id,
      kind: 'return',
      amount: quarter,
      reason: 'returned 2.5 saws',
    })
    const issued = await expectStatus(f.api, 201, 'POST', `/api/credit-notes/${cn.id}/issue`, {})
    const share = new Decimal(quarter).div(o.total)
    const back = cents(new Decimal(a.amount).times(share))
    let rows = await accrualsOf(o.id)
    expect(rows[1]).toMatchObject({
      kind: 'reversal',
      amount: `-${back}`,
      reason: `Credit note ${issued.number} (return)`,
      creditNoteId: cn.id,
    })
    expect(rows).toHaveLength(2)
    // the rest by hand (a return outside finance)
    await expectStatus(f.api, 201, 'POST', `/api/orders/${o.id}/reverse-commission`, {
      reason: 'all returned',
    })
    rows = await accrualsOf(o.id)
    expect(rows[2].amount).toBe(cents(new Decimal(back).minus(a.amount)))
    expect(
      rows.reduce((s: Decimal, r: { amount: string }) => s.plus(r.amount), new Decimal(0)).toFixed(2),
    ).toBe('0.00')
    expect((await f.api('POST', `/api/orders/${o.id}/reverse-commission`, { reason: 'again' })).status).toBe(
      409,
    )
    const batch = await expectStatus(f.api, 201, 'POST', '/api/payout-batches', { partnerId: f.partnerId })
    expect(batch).toMatchObject({ total: '0.00', accruals: 3 })
    await expectStatus(f.api, 200, 'DELETE', `/api/payout-batches/${batch.id}`)
    expect(
      (await accrualsOf(o.id)).every(
        (r: { status: string; payoutBatchId: number | null }) =>
          r.status === 'open' && r.payoutBatchId === null,
      ),
    ).toBe(true)
  })

  it('plans earned on payment accrue when the invoices of the order are paid', async () => {
    const partnerId = await created(f.api, '/api/partners', {
      code: 'P-PAID',
      name: 'Paid basis',
      kind: 'reseller',
      tierId: f.tiers.silver,
    })
    const customerId = await created(f.api, '/api/customers', {
      code: 'C-PAID',
      name: 'Customer paid basis',
      partnerId,
    })
    const o = await deliveredOrder(customerId, [{ productId: f.products.saw, quantity: 3 }])
    expect(await accrualsOf(o.id)).toEqual([])
    const inv = await invoiceOf(o.id)
    const half = cents(new Decimal(o.total).div(2))
    const pay1 = await expectStatus(f.api, 201, 'POST', '/api/payments', {
      customerId,
      amount: half,
      method: 'bank_transfer',
      receivedAt: new Date().toISOString(),
    })
    await expectStatus(f.api, 201, 'POST', `/api/payments/${pay1.id}/allocate`, { auto: true })
    expect(await accrualsOf(o.id)).toEqual([])
    const pay2 = await expectStatus(f.api, 201, 'POST', '/api/payments', {
      customerId,
      amount: cents(new Decimal(o.total).minus(half)),
      method: 'bank_transfer',
      receivedAt: new Date().toISOString(),
    })
    await expectStatus(f.api, 201, 'POST', `/api/payments/${pay2.id}/allocate`, { auto: true })
    expect((await expectStatus(f.api, 200, 'GET', `/api/invoices/${inv.id}`)).status).toBe('paid')
    const [a] = await accrualsOf(o.id)
    expect(a).toMatchObject({ partnerId, kind: 'accrual', base: '120.00', amount: pct('120.00', '2') })
    expect(a.reason).toBe(`Paid order ${o.number}`)
  })
})
