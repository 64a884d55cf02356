import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { client, created, loopFixture, type Api, type LoopFixture } from './fixtures.js'

// GET /api/<plural>?$titles=<reference fields>: rows with their references' titles in one SQL
// statement, under the reader's rights on the referenced entity (PGlite; PostgreSQL with DATABASE_URL)
let p: TestPlatform
let f: LoopFixture
let admin: Api
let partner: Api
let orderId: number
let hiddenProduct: number

beforeAll(async () => {
  p = await startTestPlatform({ demo: false })
  f = await loopFixture(p, 'LT')
  admin = client(p, f.token)
  partner = client(p, await p.login(f.partnerEmail, f.partnerPassword))
  const spares = await created(admin, '/api/product-categories', { code: 'CAT-LT-2', name: 'Spares' })
  hiddenProduct = await created(admin, '/api/products', {
    sku: 'SKU-LT-SECRET',
    name: 'Secret spare',
    categoryId: spares,
    listPrice: '3.00',
    taxRate: 13,
  })
  orderId = await created(admin, '/api/orders', {
    customerId: f.customerId,
    warehouseId: f.warehouseId,
    lines: [
      { productId: f.products.widget, quantity: 1 },
      { productId: hiddenProduct, quantity: 2 },
      { productId: f.products.gadget, quantity: 3 },
    ],
  })
  // partner users now see the products of the first category only
  const rules = (await admin('GET', '/api/rules')).body as Array<{
    id: number
    version: number
    definition: Record<string, unknown>
  }>
  const rule = rules.find((r) => r.definition.name === 'partner-user-products')!
  const widget = await admin('GET', `/api/products/${f.products.widget}`)
  const patched = await admin('PATCH', `/api/rules/${rule.id}`, {
    definition: { ...rule.definition, row: { categoryId: widget.body.categoryId } },
    version: rule.version,
  })
  expect(patched.status, JSON.stringify(patched.body)).toBe(200)
}, 400_000)
afterAll(async () => p?.close())

/** The SQL statements run while `fn` runs (knex's query event). */
async function statements<T>(fn: () => Promise<T>): Promise<{ result: T; sql: string[] }> {
  const sql: string[] = []
  const listen = (q: { sql: string }) => void sql.push(q.sql)
  p.db.knex.on('query', listen)
  try {
    return { result: await fn(), sql }
  } finally {
    p.db.knex.off('query', listen)
  }
}

const linesUrl = (extra = '$titles=productId') => `/api/order-lines?orderId=${orderId}&$sort[id]=1&${extra}`

describe('$titles on a find', () => {
  it('gives staff every line with its product title, read in the same statement as the lines', async () => {
    const { result, sql } = await statements(() => admin('GET', linesUrl()))
    expect(result.status).toBe(200)
    const rows = result.body.data as Array<{ productId: number; $titles: Record<string, string | null> }>
    expect(rows.map((r) => r.$titles)).toEqual([
      { productId: 'W' },
      { productId: 'Secret spare' },
      { productId: 'G' },
    ])
    // the page and its count; no separate read of products
    const reads = sql.filter((s) => /order_lines|products/.test(s) && /^select/i.test(s.trim()))
    expect(reads.filter((s) => /"products"/.test(s) && !/"order_lines"/.test(s))).toEqual([])
    expect(reads.filter((s) => /"products"/.test(s))).toHaveLength(1)
  })

  it('shows a partner the titles of their products and null — never the title — for one they may not read', async () => {
    const r = await partner('GET', linesUrl())
    expect(r.status).toBe(200)
    expect(r.body.data.map((l: { $titles: unknown }) => l.$titles)).toEqual([
      { productId: 'W' },
      { productId: null },
      { productId: 'G' },
    ])
    expect(JSON.stringify(r.body)).not.toContain('Secret')
    // the same product is not theirs to get either
    expect((await partner('GET', `/api/products/${hiddenProduct}`)).status).toBe(404)
  })

  it('works with $select, $limit and filters, and without $titles rows are as before', async () => {
    const r = await admin(
      'GET',
      linesUrl('$titles[]=productId&$titles[]=orderId&$select[]=productId&$limit=2'),
    )
    expect(r.status).toBe(200)
    expect(r.body.total).toBe(3)
    expect(r.body.data).toHaveLength(2)
    expect(Object.keys(r.body.data[0]).sort()).toEqual(['$titles', 'id', 'productId'])
    expect(r.body.data[0].$titles.orderId).toMatch(/^SO-/)
    const plain = await admin('GET', linesUrl('$limit=1'))
    expect(plain.body.data[0]).not.toHaveProperty('$titles')
  })

  it('refuses a field that is not a reference, an unknown one, or too many, naming the field (400)', async () => {
    for (const [query, path] of [
      ['$titles=quantity', '/$titles/0'],
      ['$titles=productId,nope', '/$titles/1'],
      ['$titles=a,b,c,d,e,f', '/$titles'],
    ] as const) {
      const r = await admin('GET', linesUrl(query))
      expect(r.status, query).toBe(400)
      expect(r.body.data?.errors ?? r.body.errors, query).toEqual(
        expect.arrayContaining([expect.objectContaining({ path })]),
      )
    }
  })
})
