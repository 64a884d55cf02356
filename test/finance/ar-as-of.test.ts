import { Decimal } from 'decimal.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { financeFixture, orderIn, post, type FinanceFixture } from './fixtures.js'

/**
 * One "open amount as of a date" for `/api/ar` and the built-in `ar-aging` report: credit notes
 * count, and a past `asOf` leaves out later invoices, payments and credit notes and takes each
 * invoice's status on that date (a void counts until it was voided). The expected figures come
 * from the test's own ledger.
 */
let p: TestPlatform
let f: FinanceFixture
const today = new Date().toISOString().slice(0, 10)

interface Inv {
  id: number
  customerId: number
  total: string
  issueDate: string
  dueDate: string
  voidedOn?: string
}
interface Doc {
  invoiceId: number
  amount: string
  day: string
}
const invoices: Inv[] = []
const paid: Doc[] = []
const credited: Doc[] = []
let a: number
let b: number
let draftOrderOfA: number
let partnerToken: string

const fmt = (d: Decimal.Value) => new Decimal(d).toFixed(2)
const days = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000)
const BUCKETS = [
  ['current', 'current'],
  ['1-30', 'days1to30'],
  ['31-60', 'days31to60'],
  ['61-90', 'days61to90'],
  ['90+', 'over90'],
] as const
const bucketOf = (due: string, asOf: string) => {
  const late = days(due, asOf)
  return BUCKETS[late <= 0 ? 0 : late <= 30 ? 1 : late <= 60 ? 2 : late <= 90 ? 3 : 4]!
}

/** What the ledger says is open per invoice of a customer on a date (only invoices with something open). */
function expectedOpen(
  customerId: number,
  asOf: string,
): Array<{ inv: Inv; open: Decimal; paid: Decimal; credited: Decimal }> {
  const out = []
  for (const inv of invoices.filter(
    (i) => i.customerId === customerId && i.issueDate <= asOf && !(i.voidedOn && i.voidedOn <= asOf),
  )) {
    const later = (d: Doc) =>
      d.invoiceId === inv.id && (d.day > inv.issueDate ? d.day : inv.issueDate) <= asOf
    const pd = paid.filter(later).reduce((s, d) => s.plus(d.amount), new Decimal(0))
    const cr = credited.filter(later).reduce((s, d) => s.plus(d.amount), new Decimal(0))
    const open = new Decimal(inv.total).minus(pd).minus(cr)
    if (open.gt(0)) out.push({ inv, open, paid: pd, credited: cr })
  }
  return out
}

async function deliver(customerId: number): Promise<number> {
  return (await orderIn(p, f, 'delivered', [{ productId: tenner, quantity: 1 }], customerId)).id
}
async function invoice(orderId: number, customerId: number, issueDate: string): Promise<Inv> {
  const draft = await post(p, f.token, '/api/invoices/from-orders', { orderIds: [orderId] })
  const issued = await post(p, f.token, `/api/invoices/${draft.id}/issue`, { issueDate })
  const inv = {
    id: issued.id as number,
    customerId,
    total: String(issued.total),
    issueDate,
    dueDate: String(issued.dueDate).slice(0, 10),
  }
  invoices.push(inv)
  return inv
}
async function creditNote(customerId: number, inv: Inv, amount: string, day: string): Promise<void> {
  const cn = await post(p, f.token, '/api/credit-notes', {
    customerId,
    invoiceId: inv.id,
    amount,
    reason: 'Returned goods',
    kind: 'correction',
  })
  await post(p, f.token, `/api/credit-notes/${cn.id}/issue`, { issueDate: day })
  credited.push({ invoiceId: inv.id, amount, day })
}
async function payment(customerId: number, inv: Inv, amount: string, day: string): Promise<void> {
  const pm = await post(p, f.token, '/api/payments', {
    customerId,
    amount,
    method: 'bank_transfer',
    receivedAt: `${day}T10:00:00Z`,
  })
  await post(p, f.token, `/api/payments/${pm.id}/allocate`, { allocations: [{ invoiceId: inv.id, amount }] })
  paid.push({ invoiceId: inv.id, amount, day })
}

async function arOpen(customerId: number, asOf: string): Promise<Record<string, string>> {
  const r = await p.http('GET', `/api/ar?asOf=${asOf}&customerId=${customerId}`, undefined, f.token)
  expect(r.status).toBe(200)
  const row = r.body.customers[0] as Record<string, string> | undefined
  return (
    row ?? {
      open: '0.00',
      current: '0.00',
      days1to30: '0.00',
      days31to60: '0.00',
      days61to90: '0.00',
      over90: '0.00',
    }
  )
}
async function report(customerId: number, asOf: string): Promise<Array<Record<string, unknown>>> {
  const r = await p.http(
    'GET',
    `/api/reports/ar-aging/run?asOf=${asOf}&filters[customerId]=${customerId}`,
    undefined,
    f.token,
  )
  expect(r.status, JSON.stringify(r.body)).toBe(200)
  return r.body.rows as Array<Record<string, unknown>>
}

let tenner: number

beforeAll(async () => {
  p = await startTestPlatform()
  f = await financeFixture(p, 'ASOF')
  const id = async (path: string, body: unknown) => (await post(p, f.token, path, body)).id as number
  const categoryId = await id('/api/product-categories', { code: 'CAT-ASOF-0', name: 'Untaxed' })
  tenner = await id('/api/products', {
    sku: 'SKU-ASOF-100',
    name: 'Hundred',
    categoryId,
    listPrice: '100.00',
    taxRate: 0,
  })
  await post(p, f.token, '/api/stock-receipts', {
    productId: tenner,
    warehouseId: f.warehouseId,
    quantity: 100,
    reference: 'PO-ASOF',
  })
  a = await id('/api/customers', { code: 'asof-a', name: 'As-of A', paymentTermsDays: 30 })
  b = await id('/api/customers', { code: 'asof-b', name: 'As-of B', paymentTermsDays: 30 })
  // orders are delivered first: the risk plugin holds orders of customers with overdue invoices
  const [oa, ob1, ob2] = [await deliver(a), await deliver(b), await deliver(b)]
  draftOrderOfA = await deliver(a)
  const ofPartner = await deliver(f.customerId)
  // A: a 100.00 invoice with a 40.00 credit note
  const ia = await invoice(oa!, a, '2026-03-01')
  await creditNote(a, ia, '40.00', '2026-03-20')
  // B: an invoice voided today (open until then), a later one paid in part, then credited in part
  const vb = await invoice(ob1!, b, '2026-02-01')
  await post(p, f.token, `/api/invoices/${vb.id}/void`, { reason: 'Issued twice' })
  vb.voidedOn = today
  const ib = await invoice(ob2!, b, '2026-04-15')
  await payment(b, ib, '30.00', '2026-05-01')
  await creditNote(b, ib, '20.00', '2026-05-10')
  // the partner's own customer: one invoice; a partner user reads the report through their row scope
  await invoice(ofPartner, f.customerId, '2026-06-01')
  await post(p, f.token, '/api/users', {
    email: 'asof@partner.test',
    name: 'Partner user',
    password: 'Partner-Secret-123',
    roles: ['partner_user'],
    partnerId: f.partnerId,
    locale: 'en',
  })
  partnerToken = await p.login('asof@partner.test', 'Partner-Secret-123')
  // reports need a read rule on invoices: this one is row-scoped to the partner's customer
  const rule = {
    name: 'asof-partner-invoices',
    effect: 'allow',
    entities: ['invoice'],
    actions: ['find'],
    conditions: { all: [{ fact: 'user', path: '$.roles', operator: 'contains', value: 'partner_user' }] },
    row: { customerId: f.customerId },
  }
  await post(p, f.token, '/api/rules', { definition: rule })
})
afterAll(async () => p?.close())

describe('open amount as of a date: /api/ar and the ar-aging report agree', () => {
  it('a row-scoped caller sees their own customers only, as of the date', async () => {
    const total = async (asOf: string, token: string) => {
      const r = await p.http('GET', `/api/reports/ar-aging/run?asOf=${asOf}`, undefined, token)
      expect(r.status, JSON.stringify(r.body)).toBe(200)
      return fmt(
        (r.body.rows as Array<{ outstanding: string }>).reduce(
          (s, x) => s.plus(x.outstanding),
          new Decimal(0),
        ),
      )
    }
    expect(await total(today, partnerToken)).toBe('100.00')
    expect(await total('2026-05-31', partnerToken)).toBe('0.00')
    const ar = await p.http('GET', `/api/ar?asOf=${today}`, undefined, partnerToken)
    expect(ar.body.totals[0].open).toBe('100.00')
    // the admin sees every customer: A 60.00, B 50.00 and the partner's 100.00 (and whatever else is open)
    expect(Number(await total(today, f.token))).toBeGreaterThanOrEqual(210)
  })

  it('a draft that is voided was never open, even with a date typed on it', async () => {
    const draft = await post(p, f.token, '/api/invoices/from-orders', { orderIds: [draftOrderOfA] })
    expect(
      (await p.http('PATCH', `/api/invoices/${draft.id}`, { issueDate: '2026-01-15' }, f.token)).status,
    ).toBe(200)
    await post(p, f.token, `/api/invoices/${draft.id}/void`, { reason: 'Not needed' })
    expect((await arOpen(a, '2026-03-10')).open).toBe('100.00')
    expect((await report(a, '2026-03-10')).reduce((n, r) => n + (r.invoices as number), 0)).toBe(1)
  })

  it('a 100.00 invoice with a 40.00 credit note is 60.00 open in both', async () => {
    expect(invoices[0]!.total).toBe('100.00')
    for (const asOf of ['2026-03-25', today]) {
      expect((await arOpen(a, asOf)).open, asOf).toBe('60.00')
      const rows = await report(a, asOf)
      expect(fmt(rows.reduce((s, r) => s.plus(r.outstanding as string), new Decimal(0))), asOf).toBe('60.00')
      const open = rows.find((r) => r.invoices === 1)!
      expect(open).toMatchObject({ billed: '100.00', paid: '0.00', credited: '40.00', outstanding: '60.00' })
    }
    // before the credit note
    expect((await arOpen(a, '2026-03-10')).open).toBe('100.00')
    expect((await report(a, '2026-03-10')).find((r) => r.invoices === 1)).toMatchObject({
      credited: '0.00',
      outstanding: '100.00',
    })
  })

  it('a past asOf leaves out later invoices, payments and credit notes, and counts a later void as open', async () => {
    for (const asOf of ['2026-01-31', '2026-03-01', '2026-04-20', '2026-05-05', '2026-05-15', today]) {
      const expected = expectedOpen(b, asOf)
      const ar = await arOpen(b, asOf)
      const rows = await report(b, asOf)
      expect(ar.open, asOf).toBe(fmt(expected.reduce((s, e) => s.plus(e.open), new Decimal(0))))
      for (const [label, key] of BUCKETS) {
        const inBucket = expected.filter((e) => bucketOf(e.inv.dueDate, asOf)[0] === label)
        const sum = (k: 'open' | 'paid' | 'credited') =>
          fmt(inBucket.reduce((s, e) => s.plus(e[k]), new Decimal(0)))
        const row = rows.find((r) => r['dueDate:aging'] === label)!
        expect(row, `${asOf} ${label}`).toEqual({
          'dueDate:aging': label,
          invoices: inBucket.length,
          billed: fmt(inBucket.reduce((s, e) => s.plus(e.inv.total), new Decimal(0))),
          paid: sum('paid'),
          credited: sum('credited'),
          outstanding: sum('open'),
        })
        expect(ar[key], `${asOf} ${key}`).toBe(sum('open'))
      }
    }
    // the statement says the same: the void debits on its issue date and credits on the day it was voided
    for (const to of ['2026-03-01', '2026-05-15', today]) {
      const st = await p.http('GET', `/api/ar-statements/${b}?to=${to}`, undefined, f.token)
      expect(st.status).toBe(200)
      expect(st.body.closingBalance, to).toBe(
        fmt(expectedOpen(b, to).reduce((s, e) => s.plus(e.open), new Decimal(0))),
      )
      expect(st.body.aging.balance, to).toBe(st.body.closingBalance)
    }
    // a report joining invoices reads them as of the date too
    const made = await p.http(
      'POST',
      '/api/reports',
      {
        code: 'credit-by-invoice-status',
        name: 'Credit notes by invoice status',
        entity: 'creditNote',
        dimensions: [{ field: 'invoice.status', as: 'invoiceStatus' }],
        measures: [{ fn: 'sum', field: 'amount', as: 'credited' }],
      },
      f.token,
    )
    expect(made.status, JSON.stringify(made.body)).toBe(201)
    const byStatus = async (asOf: string) =>
      (
        await p.http(
          'GET',
          `/api/reports/credit-by-invoice-status/run?asOf=${asOf}&filters[customerId]=${b}`,
          undefined,
          f.token,
        )
      ).body.rows
    expect(await byStatus('2026-04-20')).toEqual([{ invoiceStatus: 'issued', credited: '20.00' }])
    expect(await byStatus(today)).toEqual([{ invoiceStatus: 'partially_paid', credited: '20.00' }])
    // the figures the ledger gives, spelled out: the void counts until today; the later invoice from its issue date
    expect(expectedOpen(b, '2026-03-01').map((e) => fmt(e.open))).toEqual(['100.00'])
    expect(expectedOpen(b, '2026-05-05').map((e) => fmt(e.open))).toEqual(['100.00', '70.00'])
    expect(expectedOpen(b, '2026-05-15').map((e) => fmt(e.open))).toEqual(['100.00', '50.00'])
    expect(expectedOpen(b, today).map((e) => fmt(e.open))).toEqual(['50.00'])
  })
})
