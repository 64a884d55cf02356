/**
 * `<plume-invoices>` over REST: an embed session with `invoices:read` reads its partner's issued
 * invoices (a session bound to one customer: that customer's), a page at a time, and never
 * another partner's — not by id, filter, `$or` nor relation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { embedCaller, embedFixture, mintSession, SHOP_A, type EmbedFixture } from './fixture.js'
import { seedInvoice } from './invoice-fixture.js'

type Row = Record<string, unknown>

let p: TestPlatform
let f: EmbedFixture
let wide: string
let bound: string
let noScope: string
const ids = { a: [] as number[], sibling: 0, b: [] as number[], draftA: 0 }
const call = () => embedCaller(p, SHOP_A)

beforeAll(async () => {
  p = await startTestPlatform()
  f = await embedFixture(p, 'INV')
  for (let i = 0; i < 12; i++)
    ids.a.push(
      await seedInvoice(p, {
        number: `INV-A-${String(i).padStart(2, '0')}`,
        customerId: f.customerId,
        partnerId: f.partnerId,
        status: i % 3 === 0 ? 'partially_paid' : 'issued',
        total: '100.10',
        paid: i % 3 === 0 ? '33.33' : '0.00',
      }),
    )
  ids.draftA = await seedInvoice(p, {
    number: 'INV-A-DRAFT',
    customerId: f.customerId,
    partnerId: f.partnerId,
    status: 'draft',
  })
  ids.sibling = await seedInvoice(p, {
    number: 'INV-SIB',
    customerId: f.sibling.customerId,
    partnerId: f.partnerId,
  })
  for (const n of ['INV-B-1', 'INV-B-2'])
    ids.b.push(
      await seedInvoice(p, { number: n, customerId: f.other.customerId, partnerId: f.other.partnerId }),
    )
  wide = (await mintSession(p, f.skA, { scopes: ['invoices:read'] })).body.token
  bound = (await mintSession(p, f.skA, { scopes: ['invoices:read'], customerId: f.customerId })).body.token
  noScope = (await mintSession(p, f.skA, { scopes: ['catalog:read'] })).body.token
}, 1_800_000)
afterAll(async () => p?.close())

const numbers = (body: { data: Row[] }) => body.data.map((r) => String(r.number)).sort()

describe('invoices through an embed session', () => {
  it("a partner-wide session reads the partner's invoices, a page at a time", async () => {
    const q = '/api/invoices?status[$ne]=draft&$sort[dueDate]=-1&$sort[id]=-1&$limit=5'
    const first = await call()('GET', q, { session: wide })
    expect(first.status).toBe(200)
    expect(first.body.total).toBe(13)
    expect(first.body.data).toHaveLength(5)
    const last = await call()('GET', `${q}&$skip=10`, { session: wide })
    expect(last.body.data).toHaveLength(3)
    const all = await call()('GET', '/api/invoices?$limit=100', { session: wide })
    expect(numbers(all.body)).toEqual(
      [...ids.a.map((_, i) => `INV-A-${String(i).padStart(2, '0')}`), 'INV-A-DRAFT', 'INV-SIB'].sort(),
    )
    const one = all.body.data.find((r: Row) => r.number === 'INV-A-00') as Row
    expect(one).toMatchObject({ total: '100.10', amountPaid: '33.33', status: 'partially_paid' })
  })

  it("a session bound to one customer reads that customer's invoices only", async () => {
    const r = await call()('GET', '/api/invoices?$limit=100', { session: bound })
    expect(r.status).toBe(200)
    expect(r.body.data.every((x: Row) => x.customerId === f.customerId)).toBe(true)
    expect(numbers(r.body)).not.toContain('INV-SIB')
    expect((await call()('GET', `/api/invoices/${ids.sibling}`, { session: bound })).status).toBe(404)
  })

  it("never shows another partner's invoices, by id, filter, $or or relation", async () => {
    for (const session of [wide, bound]) {
      for (const id of ids.b)
        expect([403, 404]).toContain((await call()('GET', `/api/invoices/${id}`, { session })).status)
      for (const q of [
        `partnerId=${f.other.partnerId}`,
        `customerId=${f.other.customerId}`,
        `customerId[$in][]=${f.other.customerId}&customerId[$in][]=${f.customerId}`,
        `$or[0][partnerId]=${f.other.partnerId}&$or[1][number]=INV-B-1`,
        `id[$in][]=${ids.b[0]}&id[$in][]=${ids.b[1]}`,
        `number[$like]=INV-B%25`,
        'status[$ne]=draft&$limit=100',
      ]) {
        const r = await call()('GET', `/api/invoices?${q}`, { session })
        expect([200, 400, 403], q).toContain(r.status)
        if (r.status === 200)
          for (const row of r.body.data as Row[]) expect(row.partnerId, `${q}`).toBe(f.partnerId)
      }
    }
  })

  it('needs the invoices:read scope', async () => {
    const r = await call()('GET', '/api/invoices', { session: noScope })
    expect(r.status).toBe(403)
    expect(r.body.message).toContain('invoices')
    // a publishable key reaches the catalog only
    expect((await call()('GET', '/api/invoices', { pk: f.pkA })).status).toBe(403)
  })
})
