import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'

/** Issue #13.1: `$in` lists longer than the query-string parser's array limit (20). */
let p: TestPlatform
let token: string
let ids: number[]

beforeAll(async () => {
  p = await startTestPlatform()
  token = await p.login()
  ids = []
  for (let i = 1; i <= 30; i++) {
    const r = await p.http('POST', '/api/customers', { code: `IN-${i}`, name: `In list ${i}` }, token)
    expect(r.status).toBe(201)
    ids.push(r.body.id as number)
  }
})
afterAll(async () => p?.close())

const get = (qs: string) => p.http('GET', `/api/customers?$limit=500&${qs}`, undefined, token)
/** `id[$in][]=1&id[$in][]=2…` or `id[$in][0]=1&id[$in][1]=2…` */
const list = (op: string, values: number[], indexed: boolean) =>
  values.map((v, i) => `id[${op}][${indexed ? i : ''}]=${v}`).join('&')
/** The first 25 customers' ids padded with ids that do not exist, to `n` values. */
const values = (n: number) => [
  ...ids.slice(0, 25),
  ...Array.from({ length: n - 25 }, (_, i) => 1_000_000 + i),
]
const sortedIds = (body: { data: Array<{ id: number }> }) => body.data.map((c) => c.id).sort((a, b) => a - b)

describe('$in and $nin past the parser array limit', () => {
  for (const indexed of [false, true]) {
    const form = indexed ? 'id[$in][0]=' : 'id[$in][]='
    it(`accepts 25 values in the ${form} form`, async () => {
      const r = await get(list('$in', ids.slice(0, 25), indexed))
      expect(r.status, JSON.stringify(r.body)).toBe(200)
      expect(sortedIds(r.body)).toEqual(ids.slice(0, 25))
    })

    it(`accepts 500 values (the page maximum) in the ${form} form`, async () => {
      const r = await get(list('$in', values(500), indexed))
      expect(r.status, JSON.stringify(r.body)).toBe(200)
      expect(sortedIds(r.body)).toEqual(ids.slice(0, 25))
    })

    it(`answers 400 naming the limit for 501 values in the ${form} form`, async () => {
      const r = await get(list('$in', values(501), indexed))
      expect(r.status).toBe(400)
      expect(r.body.message).toBe('Invalid query: id/$in may hold at most 500 values (501 given)')
      expect(r.body.errors).toEqual([{ path: '/id/$in', message: 'may hold at most 500 values (501 given)' }])
    })

    it(`applies $nin with 25 values in the ${form} form`, async () => {
      const r = await get(list('$nin', ids.slice(0, 25), indexed))
      expect(r.status, JSON.stringify(r.body)).toBe(200)
      expect(sortedIds(r.body)).toEqual(ids.slice(25))
    })
  }

  it('still refuses a malformed value inside a long list, naming its position', async () => {
    const vals: Array<number | string> = ids.slice(0, 24)
    const r = await get(`${list('$in', vals as number[], true)}&id[$in][24]=abc`)
    expect(r.status).toBe(400)
    expect(r.body.errors).toEqual([{ path: '/id/$in/24', message: 'must be an integer' }])
  })

  it('accepts $select with more than 20 fields', async () => {
    const fields = [
      'id',
      'code',
      'name',
      'createdAt',
      'updatedAt',
      'version',
      ...Array.from({ length: 20 }, () => 'name'),
    ]
    const r = await p.http(
      'GET',
      `/api/customers?$limit=1&${fields.map((f) => `$select[]=${f}`).join('&')}`,
      undefined,
      token,
    )
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    expect(Object.keys(r.body.data[0]).sort()).toEqual([
      'code',
      'createdAt',
      'id',
      'name',
      'updatedAt',
      'version',
    ])
  })
})
