import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { financeFixture, orderIn, post, type FinanceFixture } from '../finance/fixtures.js'

// A customer's personal data: export (everything held about them) and erasure (personal fields
// gone, invoices kept, the audit chain still verifying, the erasure audited without values).
let p: TestPlatform
let f: FinanceFixture
let token: string
const PERSONAL = [
  'Li Wei Trading',
  'li.wei@example.com',
  '+86 10 5555 0101',
  '88 Jianguo Road',
  'Wang Fang',
  'wang.fang@example.com',
  '+86 139 0000 0202',
  'prefers WeChat',
]

beforeAll(async () => {
  p = await startTestPlatform()
  f = await financeFixture(p, 'gdpr')
  token = f.token
  const c = await p.http(
    'PATCH',
    `/api/customers/${f.customerId}`,
    {
      name: 'Li Wei Trading',
      email: 'li.wei@example.com',
      phone: '+86 10 5555 0101',
      taxId: '91110000X',
      billingAddress: { line1: '88 Jianguo Road', city: 'Beijing', country: 'CN' },
    },
    token,
  )
  expect(c.status).toBe(200)
  const contact = await post(p, token, '/api/contacts', {
    customerId: f.customerId,
    name: 'Wang Fang',
    email: 'wang.fang@example.com',
    phone: '+86 139 0000 0202',
  })
  await post(p, token, '/api/activities', {
    customerId: f.customerId,
    contactId: contact.id,
    subject: 'Call about renewal',
    notes: 'Wang Fang prefers WeChat',
    occurredAt: '2026-12-01T08:00:00.000Z',
  })
  const order = await orderIn(p, f, 'delivered', [{ productId: f.products.widget, quantity: 2 }])
  const inv = await p.http('POST', '/api/invoices/from-orders', { orderIds: [order.id] }, token)
  expect(inv.status).toBe(201)
}, 600_000)
afterAll(async () => {
  await p?.close()
})

type Export = { customerId: number; records: Record<string, Array<Record<string, unknown>>> }

describe(`personal data export and erasure (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  it("exports the customer's record, contacts, activities, orders and invoices (encrypted fields in clear)", async () => {
    const r = await p.http('GET', `/api/privacy/customers/${f.customerId}`, undefined, token)
    expect(r.status).toBe(200)
    const e = r.body as Export
    expect(e.records.customer![0]).toMatchObject({ id: f.customerId, email: 'li.wei@example.com' })
    expect(e.records.contact!.map((c) => c.email)).toEqual(['wang.fang@example.com'])
    expect(e.records.activity!.map((a) => a.notes)).toEqual(['Wang Fang prefers WeChat'])
    expect(e.records.order!.length).toBe(1)
    expect(e.records.invoice!.length).toBe(1)
    for (const s of PERSONAL) expect(JSON.stringify(e)).toContain(s)
  })

  it('is for admins only, and names a bad id', async () => {
    expect((await p.http('GET', `/api/privacy/customers/${f.customerId}`)).status).toBe(401)
    const password = 'Sales-Secret-123'
    const user = await p.http(
      'POST',
      '/api/users',
      { email: 'sales@privacy.test', name: 'Sales', password, roles: ['sales_manager'], active: true },
      token,
    )
    expect(user.status, JSON.stringify(user.body)).toBe(201)
    const sales = await p.login('sales@privacy.test', password)
    expect((await p.http('GET', `/api/privacy/customers/${f.customerId}`, undefined, sales)).status).toBe(403)
    expect((await p.http('DELETE', `/api/privacy/customers/${f.customerId}`, undefined, sales)).status).toBe(
      403,
    )
    const bad = await p.http('GET', '/api/privacy/customers/abc', undefined, token)
    expect(bad.status).toBe(400)
    expect(JSON.stringify(bad.body)).toMatch(/id/)
    expect((await p.http('DELETE', '/api/privacy/customers/999999', undefined, token)).status).toBe(404)
  })

  it('erases the personal fields, keeps the invoices, stays verifiable and audits the erasure', async () => {
    const invoicesBefore = await p.db.knex('invoices').where('customerId', f.customerId).select('id', 'total')
    const r = await p.http('DELETE', `/api/privacy/customers/${f.customerId}`, undefined, token)
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({
      customerId: f.customerId,
      removed: { contact: 1, activity: 1 },
      cleared: { order: 1 },
      kept: ['taxId'],
    })

    const after = (await p.http('GET', `/api/privacy/customers/${f.customerId}`, undefined, token))
      .body as Export
    const text = JSON.stringify(after)
    for (const s of PERSONAL) expect(text).not.toContain(s)
    expect(after.records.customer![0]).toMatchObject({
      name: `Erased customer ${f.customerId}`,
      email: null,
      phone: null,
    })
    expect(after.records.contact).toBeUndefined()
    expect(after.records.activity).toBeUndefined()
    expect(after.records.invoice!.map((i) => i.id)).toEqual(invoicesBefore.map((i) => i.id))
    expect(await p.db.knex('invoices').where('customerId', f.customerId).select('id', 'total')).toEqual(
      invoicesBefore,
    )

    const verify = await p.http('GET', '/api/audit/verify', undefined, token)
    expect(verify.body).toMatchObject({ ok: true })
    const audit = await p.http('GET', '/api/audit?action=privacy.erase', undefined, token)
    const rows = (audit.body as { data: Array<{ recordId: string; actor: string; changes: unknown }> }).data
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ recordId: String(f.customerId), actor: p.adminEmail })
    for (const s of PERSONAL) expect(JSON.stringify(rows[0]!.changes)).not.toContain(s)
  })
})
