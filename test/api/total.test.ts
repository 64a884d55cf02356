import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'

// `$total=estimate` / `$total=false` on a list (PGlite by default, PostgreSQL with DATABASE_URL)
let p: TestPlatform
let token: string

beforeAll(async () => {
  p = await startTestPlatform()
  token = await p.login()
})
afterAll(async () => p?.close())

const get = (path: string) => p.http('GET', path, undefined, token)
const addCustomers = (from: number, to: number) =>
  p.db.knex.raw(
    `insert into customers (code, name) select 'T-' || g, 'Total ' || g from generate_series(?::int, ?::int) g`,
    [from, to],
  )

describe('$total on a find', () => {
  it('counts exactly while the table is small or was never analysed', async () => {
    await addCustomers(1, 12_000)
    const r = await get('/api/customers?$total=estimate&$limit=2')
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ total: 12_000, limit: 2 })
    expect(r.body.totalEstimated).toBeUndefined()
    expect(r.body.data).toHaveLength(2)
  })

  it('answers an unfiltered find with the planner estimate once the table is analysed', async () => {
    await p.db.knex.raw('analyze customers')
    await addCustomers(12_001, 12_010)
    const r = await get('/api/customers?$total=estimate&$limit=3&$skip=30')
    expect(r.status).toBe(200)
    expect(r.body.totalEstimated).toBe(true)
    expect(r.body.total).toBeGreaterThanOrEqual(11_000)
    expect(r.body.total).toBeLessThanOrEqual(13_000)
    expect(r.body.data).toHaveLength(3)
  })

  it('keeps the exact count when the find is filtered', async () => {
    const r = await get('/api/customers?$total=estimate&$limit=1&name[$ilike]=Total 1200%25')
    expect(r.status).toBe(200)
    expect(r.body.totalEstimated).toBeUndefined()
    // 1200 and 12000..12009
    expect(r.body.total).toBe(11)
  })

  it('skips counting with $total=false and refuses other values', async () => {
    const r = await get('/api/customers?$total=false&$limit=4')
    expect(r.body).toMatchObject({ total: -1, limit: 4 })
    expect(r.body.data).toHaveLength(4)
    const bad = await get('/api/customers?$total=maybe')
    expect(bad.status).toBe(400)
    expect(bad.body.errors[0]).toMatchObject({ path: '/$total' })
  })
})
