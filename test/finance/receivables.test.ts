import { Decimal } from 'decimal.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { financeFixture, orderIn, post, type FinanceFixture } from './fixtures.js'

let p: TestPlatform
let f: FinanceFixture

/** What the test itself knows about every document, to compute the expected figures without the plugin. */
interface Inv {
  id: number
  number: string
  customerId: number
  total: string
  issueDate: string
  dueDate: string
}
interface Pay {
  id: number
  customerId: number
  amount: string
  day: string
  allocations: Array<{ invoiceId: number; amount: string }>
}
interface Note {
  id: number
  customerId: number
  invoiceId: number
  amount: string
  day: string
}
const invoices: Inv[] = []
const payments: Pay[] = []
const notes: Note[] = []

const days = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000)
const max = (a: string, b: string) => (a > b ? a : b)
const fmt = (d: Decimal) => d.toFixed(2)

/** Delivers an order now and returns a function invoicing it later (the risk plugin holds orders of customers with overdue invoices). */
async function deliveredFor(
  customerId: number,
  quantity: number,
): Promise<(issueDate: string) => Promise<Inv>> {
  const o = await orderIn(
    p,
    f,
    'delivered',
    [
      { productId: f.products.widget, quantity },
      { productId: f.products.gadget, quantity: 1 },
    ],
    customerId,
  )
  return (issueDate) => invoiceOn(o.id, customerId, issueDate)
}

async function invoiceOn(orderId: number, customerId: number, issueDate: string): Promise<Inv> {
  const o = { id: orderId }
  const draft = await post(p, f.token, '/api/invoices/from-orders', { orderIds: [o.id] })
  const issued = await post(p, f.token, `/api/invoices/${draft.id}/issue`, { issueDate })
  const inv = {
    id: issued.id as number,
    number: issued.number as string,
    customerId,
    total: issued.total as string,
    issueDate,
    dueDate: String(issued.dueDate).slice(0, 10),
  }
  invoices.push(inv)
  return inv
}

async function pay(
  customerId: number,
  amount: string,
  day: string,
  allocations?: Array<{ invoiceId: number; amount: string }>,
): Promise<Pay> {
  const payment = await post(p, f.token, '/api/payments', {
    customerId,
    amount,
    method: 'bank_transfer',
    receivedAt: `${day}T10:00:00Z`,
    reference: `BANK-${day}`,
  })
  const r = await post(p, f.token, `/api/payments/${payment.id}/allocate`, allocations ? { allocations } : {})
  const done = {
    id: payment.id as number,
    customerId,
    amount,
    day,
    allocations: (r.allocations as Array<{ invoiceId: number; amount: string }>).map((a) => ({
      invoiceId: a.invoiceId,
      amount: a.amount,
    })),
  }
  payments.push(done)
  return done
}

/** Expected aging of one customer as of a date, from the test's own ledger. */
function expectedAging(customerId: number, asOf: string) {
  const b = {
    current: new Decimal(0),
    days1to30: new Decimal(0),
    days31to60: new Decimal(0),
    days61to90: new Decimal(0),
    over90: new Decimal(0),
  }
  let open = new Decimal(0)
  for (const inv of invoices.filter((i) => i.customerId === customerId && i.issueDate <= asOf)) {
    let left = new Decimal(inv.total)
    for (const pm of payments)
      for (const a of pm.allocations)
        if (a.invoiceId === inv.id && max(pm.day, inv.issueDate) <= asOf) left = left.minus(a.amount)
    for (const n of notes)
      if (n.invoiceId === inv.id && max(n.day, inv.issueDate) <= asOf) left = left.minus(n.amount)
    const late = days(inv.dueDate, asOf)
    const key =
      late <= 0
        ? 'current'
        : late <= 30
          ? 'days1to30'
          : late <= 60
            ? 'days31to60'
            : late <= 90
              ? 'days61to90'
              : 'over90'
    b[key] = b[key].plus(left)
    open = open.plus(left)
  }
  let credit = new Decimal(0)
  for (const pm of payments.filter((x) => x.customerId === customerId && x.day <= asOf)) {
    credit = credit.plus(pm.amount)
    for (const a of pm.allocations)
      if (max(pm.day, invoices.find((i) => i.id === a.invoiceId)!.issueDate) <= asOf)
        credit = credit.minus(a.amount)
  }
  // the same balance another way: everything invoiced minus everything received or credited
  const billed = invoices
    .filter((i) => i.customerId === customerId && i.issueDate <= asOf)
    .reduce((s, i) => s.plus(i.total), new Decimal(0))
  const received = payments
    .filter((x) => x.customerId === customerId && x.day <= asOf)
    .reduce((s, x) => s.plus(x.amount), new Decimal(0))
  const credited = notes
    .filter((n) => n.customerId === customerId && n.day <= asOf)
    .reduce((s, n) => s.plus(n.amount), new Decimal(0))
  expect(fmt(open.minus(credit))).toBe(fmt(billed.minus(received).minus(credited)))
  return {
    current: fmt(b.current),
    days1to30: fmt(b.days1to30),
    days31to60: fmt(b.days31to60),
    days61to90: fmt(b.days61to90),
    over90: fmt(b.over90),
    open: fmt(open),
    credit: fmt(credit),
    balance: fmt(open.minus(credit)),
  }
}

beforeAll(async () => {
  p = await startTestPlatform()
  f = await financeFixture(p, 'AR')
  const a = f.customerId
  const b = f.otherCustomerId
  const plan = [
    [a, 2, '2026-06-01'],
    [a, 3, '2026-09-01'],
    [a, 4, '2026-10-20'],
    [a, 1, '2026-11-10'],
    [a, 2, '2026-12-01'],
    [b, 1, '2026-08-20'],
    [b, 2, '2026-10-01'],
  ] as const
  const later = []
  for (const [customer, quantity] of plan) later.push(await deliveredFor(customer, quantity))
  const made: Inv[] = []
  for (let i = 0; i < plan.length; i++) made.push(await later[i]!(plan[i]![2]))
  await pay(a, '50.00', '2026-07-15', [{ invoiceId: made[0]!.id, amount: '50.00' }])
  const cn = await post(p, f.token, '/api/credit-notes', {
    customerId: a,
    invoiceId: made[1]!.id,
    amount: '5.00',
    reason: 'Damaged box',
    kind: 'correction',
  })
  await post(p, f.token, `/api/credit-notes/${cn.id}/issue`, { issueDate: '2026-09-15' })
  notes.push({
    id: cn.id as number,
    customerId: a,
    invoiceId: made[1]!.id,
    amount: '5.00',
    day: '2026-09-15',
  })
  // B pays all but 10.00 of J1 with a larger sum (the rest stays as credit); A pays after the report date
  await pay(b, '500.00', '2026-09-10', [
    { invoiceId: made[5]!.id, amount: fmt(new Decimal(made[5]!.total).minus(10)) },
  ])
  await pay(a, '300.00', '2026-11-30')
})
afterAll(async () => p?.close())

describe('accounts receivable', () => {
  it('ages open amounts by days past due as of a date, per customer, per partner and in total', async () => {
    const r = await p.http('GET', '/api/ar?asOf=2026-11-25', undefined, f.token)
    expect(r.status).toBe(200)
    expect(r.body.asOf).toBe('2026-11-25')
    expect(r.body.buckets).toEqual(['current', 'days1to30', 'days31to60', 'days61to90', 'over90'])
    const a = expectedAging(f.customerId, '2026-11-25')
    const b = expectedAging(f.otherCustomerId, '2026-11-25')
    // the scenario fills every bucket, and B has unallocated credit
    expect([a.current, a.days1to30, a.days31to60, b.days61to90, a.over90].every((v) => Number(v) > 0)).toBe(
      true,
    )
    expect(b.days61to90).toBe('10.00')
    expect(Number(b.credit)).toBeGreaterThan(0)
    const row = (id: number) => r.body.customers.find((c: { customerId: number }) => c.customerId === id)
    expect(row(f.customerId)).toEqual({
      customerId: f.customerId,
      code: expect.stringMatching(/^c-ar$/i),
      name: 'Customer AR',
      partnerId: f.partnerId,
      currency: 'CNY',
      ...a,
    })
    expect(row(f.otherCustomerId)).toEqual({
      customerId: f.otherCustomerId,
      code: expect.stringMatching(/^d-ar$/i),
      name: 'Direct AR',
      partnerId: null,
      currency: 'CNY',
      ...b,
    })
    expect(r.body.partners).toEqual([
      { partnerId: null, code: null, name: null, currency: 'CNY', ...b },
      {
        partnerId: f.partnerId,
        code: expect.stringMatching(/^p-ar$/i),
        name: 'Partner AR',
        currency: 'CNY',
        ...a,
      },
    ])
    const sum = (k: keyof typeof a) => fmt(new Decimal(a[k]).plus(b[k]))
    expect(r.body.totals).toEqual([
      { currency: 'CNY', ...Object.fromEntries(Object.keys(a).map((k) => [k, sum(k as keyof typeof a)])) },
    ])
  })

  it('moves with the report date: later payments and invoices count only from their dates', async () => {
    for (const asOf of ['2026-06-30', '2026-09-12', '2026-12-05', '2027-03-01']) {
      const r = await p.http('GET', `/api/ar?asOf=${asOf}&customerId=${f.customerId}`, undefined, f.token)
      const {
        customerId: _c,
        code: _k,
        name: _n,
        partnerId: _p,
        currency: _cur,
        ...got
      } = r.body.customers[0]
      expect(got, asOf).toEqual(expectedAging(f.customerId, asOf))
    }
    expect((await p.http('GET', '/api/ar?asOf=2026-02-30', undefined, f.token)).status).toBe(400)
    expect((await p.http('GET', '/api/ar?sneaky=1', undefined, f.token)).status).toBe(400)
  })

  it('a statement lists invoices, payments and credit notes with the running balance', async () => {
    const r = await p.http(
      'GET',
      `/api/ar-statements/${f.customerId}?from=2026-09-01&to=2026-12-05`,
      undefined,
      f.token,
    )
    expect(r.status).toBe(200)
    const mine = [
      ...invoices
        .filter((i) => i.customerId === f.customerId)
        .map((i) => ({
          type: 'invoice',
          id: i.id,
          date: i.issueDate,
          debit: i.total,
          credit: '0.00',
          ord: 1,
        })),
      ...payments
        .filter((x) => x.customerId === f.customerId)
        .map((x) => ({ type: 'payment', id: x.id, date: x.day, debit: '0.00', credit: x.amount, ord: 2 })),
      ...notes
        .filter((n) => n.customerId === f.customerId)
        .map((n) => ({
          type: 'credit_note',
          id: n.id,
          date: n.day,
          debit: '0.00',
          credit: n.amount,
          ord: 3,
        })),
    ].sort((x, y) => x.date.localeCompare(y.date) || x.ord - y.ord || x.id - y.id)
    let balance = new Decimal(0)
    const expected: Array<Record<string, unknown>> = []
    let opening = new Decimal(0)
    for (const e of mine) {
      if (e.date > '2026-12-05') continue
      balance = balance.plus(e.debit).minus(e.credit)
      if (e.date < '2026-09-01') opening = balance
      else
        expected.push({
          type: e.type,
          id: e.id,
          date: e.date,
          debit: e.debit,
          credit: e.credit,
          balance: fmt(balance),
        })
    }
    expect(r.body.openingBalance).toBe(fmt(opening))
    expect(
      r.body.entries.map(({ type, id, date, debit, credit, balance: b }: Record<string, unknown>) => ({
        type,
        id,
        date,
        debit,
        credit,
        balance: b,
      })),
    ).toEqual(expected)
    expect(r.body.closingBalance).toBe(fmt(balance))
    expect(r.body.aging.balance).toBe(fmt(balance))
    expect(r.body.entries.map((e: { type: string }) => e.type)).toEqual([
      'invoice',
      'credit_note',
      'invoice',
      'invoice',
      'payment',
      'invoice',
    ])
    expect((await p.http('GET', '/api/ar-statements/999999', undefined, f.token)).status).toBe(404)
  })
})
