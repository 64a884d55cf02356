import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { client, loopFixture, type Api, type LoopFixture } from './fixtures.js'

// A 1,000-line price quote: priced in set statements, lines not written back nor read again, and
// equal to the per-line quotes and to the order the same lines create (PGlite; PostgreSQL with DATABASE_URL)
let p: TestPlatform
let f: LoopFixture
let admin: Api

type Line = Record<string, unknown> & { productId: number; quantity: number }
const PRICED = [
  'productId',
  'quantity',
  'listPrice',
  'unitPrice',
  'discount',
  'taxRate',
  'taxAmount',
  'lineTotal',
  'promotionId',
]
const pick = (l: Record<string, unknown>) => Object.fromEntries(PRICED.map((k) => [k, l[k]]))
const cents = (v: unknown) => {
  const [whole, frac = ''] = String(v).split('.')
  const sign = whole!.startsWith('-') ? -1n : 1n
  return sign * (BigInt(whole!.replace('-', '')) * 100n + BigInt((frac + '00').slice(0, 2)))
}

beforeAll(async () => {
  p = await startTestPlatform({ demo: false })
  f = await loopFixture(p, 'QB')
  admin = client(p, f.token)
}, 400_000)
afterAll(async () => p?.close())

const products = () => [f.products.widget, f.products.gadget, f.products.scarce]
/** 1,000 lines over 3 products and quantities 1–12 (the widget's volume break is at 10). */
const thousand = () =>
  Array.from({ length: 1000 }, (_, i) => ({ productId: products()[i % 3]!, quantity: 1 + (i % 12) }))

/** The SQL statements knex runs while `fn` runs. */
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

const quote = (lines: Array<{ productId: number; quantity: number }>) =>
  admin('POST', '/api/order-quotes', { customerId: f.customerId, warehouseId: f.warehouseId, lines })

describe('a 1,000-line quote', () => {
  it('runs as many statements as a 3-line one and neither writes its lines back nor reads them again', async () => {
    await quote(thousand().slice(0, 3)) // caches warmed (rules, settings)
    const small = await statements(() => quote(thousand().slice(0, 3)))
    const big = await statements(() => quote(thousand()))
    expect(big.result.status).toBe(200)
    expect(big.result.body.lines).toHaveLength(1000)
    const lineWrites = (sql: string[]) =>
      sql.filter((s) => /^\s*update\s+"?order_lines"?/i.test(s) && /unitPrice/.test(s))
    const lineReads = (sql: string[]) => sql.filter((s) => /^select \* from "order_lines"/i.test(s.trim()))
    expect(lineWrites(big.sql)).toEqual([])
    expect(lineReads(big.sql)).toEqual([])
    // batching: the statements on the lines (insert, priced read, promotions) do not grow with
    // them; other tables also see the platform's background and after-commit work
    const own = (sql: string[]) => sql.filter((s) => /order_lines/.test(s))
    expect(own(big.sql).length, own(big.sql).join('\n')).toBe(own(small.sql).length)
  }, 400_000)

  it('equals, line by line and in exact totals, the quotes of each line alone and the order those lines create', async () => {
    const lines = thousand()
    const big = (await quote(lines)).body as Record<string, string> & { lines: Line[] }
    // each line alone, the way a one-line quote prices it (36 distinct product × quantity pairs)
    const alone = new Map<string, Record<string, unknown>>()
    for (const l of lines) {
      const k = `${l.productId}:${l.quantity}`
      if (alone.has(k)) continue
      const one = await quote([l])
      expect(one.status).toBe(200)
      alone.set(k, one.body)
    }
    const sum = { subtotal: 0n, discountTotal: 0n, taxTotal: 0n, total: 0n }
    big.lines.forEach((l, i) => {
      const one = alone.get(`${lines[i]!.productId}:${lines[i]!.quantity}`) as Record<string, string> & {
        lines: Line[]
      }
      expect(pick(l)).toEqual(pick(one.lines[0]!))
      expect(l.adjustments).toEqual(one.lines[0]!.adjustments)
      for (const k of Object.keys(sum) as Array<keyof typeof sum>) sum[k] += cents(one[k])
    })
    for (const k of Object.keys(sum) as Array<keyof typeof sum>) expect(cents(big[k]), k).toBe(sum[k])
    // the same lines saved as an order (written and read back by the create) price the same
    const created = await admin('POST', '/api/orders', {
      customerId: f.customerId,
      warehouseId: f.warehouseId,
      lines,
    })
    expect(created.status).toBe(201)
    const saved = created.body as Record<string, string> & { lines: Line[] }
    expect(saved.lines.map(pick)).toEqual(big.lines.map(pick))
    expect(saved.lines.map((l) => l.pricingAdjustments)).toEqual(big.lines.map((l) => l.adjustments))
    for (const k of Object.keys(sum)) expect(big[k], k).toBe(saved[k])
  }, 400_000)
})
