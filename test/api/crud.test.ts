import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'

let p: TestPlatform
let token: string

beforeAll(async () => {
  p = await startTestPlatform()
  token = await p.login()
})
afterAll(async () => p?.close())

const api = (method: string, path: string, body?: unknown) => p.http(method, path, body, token)
const customer = (code: string, extra: Record<string, unknown> = {}) => ({
  code,
  name: `Customer ${code}`,
  ...extra,
})

describe('generated customer service over REST', () => {
  it('refuses calls without a token', async () => {
    const r = await p.http('GET', '/api/customers')
    expect(r.status).toBe(401)
  })

  it('creates a customer with server-managed fields filled in', async () => {
    const r = await api('POST', '/api/customers', customer('C-001', { creditLimit: '1500.50' }))
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({
      code: 'C-001',
      name: 'Customer C-001',
      creditLimit: '1500.50',
      version: 1,
    })
    expect(typeof r.body.id).toBe('number')
    expect(r.body.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/)
  })

  it('refuses unknown and server-managed fields, naming them', async () => {
    const r = await api(
      'POST',
      '/api/customers',
      customer('C-X', { bogus: 1, id: 99, createdAt: '2020-01-01T00:00:00Z', version: 7 }),
    )
    expect(r.status).toBe(400)
    const paths = r.body.errors.map((e: { path: string }) => e.path)
    expect(paths).toEqual(expect.arrayContaining(['/bogus', '/id', '/createdAt', '/version']))
    const list = await api('GET', '/api/customers?code=C-X')
    expect(list.body.total).toBe(0)
  })

  it('refuses a missing required field and a float-like money value', async () => {
    const r = await api('POST', '/api/customers', { code: 'C-Y', creditLimit: '12.345' })
    expect(r.status).toBe(400)
    const byPath = Object.fromEntries(
      r.body.errors.map((e: { path: string; message: string }) => [e.path, e.message]),
    )
    expect(byPath['/name']).toBe('is required')
    expect(byPath['/creditLimit']).toMatch(/decimal/)
    const n = await api('POST', '/api/customers', customer('C-Y', { creditLimit: 12.5 }))
    expect(n.status).toBe(400)
    expect(n.body.errors[0].path).toBe('/creditLimit')
  })

  it('answers 409 on a duplicate unique value, without SQL in the message', async () => {
    const r = await api('POST', '/api/customers', customer('C-001'))
    expect(r.status).toBe(409)
    expect(r.body.message).toMatch(/code/)
    expect(JSON.stringify(r.body)).not.toMatch(/insert|select|constraint|customers_|stack/i)
  })

  it('refuses malformed JSON with 400', async () => {
    const r = await api('POST', '/api/customers', '{"code": ')
    expect(r.status).toBe(400)
  })
})

describe('queries', () => {
  beforeAll(async () => {
    const rows = [
      customer('Q-1', { name: 'Alpha Trading', creditLimit: '100.00', paymentTermsDays: 10 }),
      customer('Q-2', { name: 'beta supplies', creditLimit: '200.00', paymentTermsDays: 30 }),
      customer('Q-3', { name: 'Gamma Retail', creditLimit: '300.00', paymentTermsDays: 30 }),
      customer('Q-4', { name: 'Delta Foods', creditLimit: '400.00', paymentTermsDays: 60 }),
      customer('Q-5', { name: 'Epsilon Alpha', creditLimit: '500.00', paymentTermsDays: 90 }),
    ]
    for (const r of rows) expect((await api('POST', '/api/customers', r)).status).toBe(201)
  })
  const codes = (body: { data: Array<{ code: string }> }) => body.data.map((c) => c.code)
  const q = async (qs: string) => {
    const r = await api('GET', `/api/customers?code[$like]=Q-%25&${qs}`)
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    return r.body
  }

  it('paginates with total, limit and skip', async () => {
    const b = await q('$limit=2&$skip=1&$sort[code]=1')
    expect(b).toMatchObject({ total: 5, limit: 2, skip: 1 })
    expect(codes(b)).toEqual(['Q-2', 'Q-3'])
    const beyond = await q('$limit=2&$skip=10')
    expect(beyond.total).toBe(5)
    expect(beyond.data).toEqual([])
  })
  it('sorts descending and selects fields', async () => {
    const b = await q('$sort[creditLimit]=-1&$select[]=code&$select[]=creditLimit')
    expect(codes(b)).toEqual(['Q-5', 'Q-4', 'Q-3', 'Q-2', 'Q-1'])
    expect(Object.keys(b.data[0]).sort()).toEqual(['code', 'creditLimit', 'id'])
  })
  it('supports comparison operators on money and integers', async () => {
    expect(codes(await q('creditLimit[$gt]=200&$sort[code]=1'))).toEqual(['Q-3', 'Q-4', 'Q-5'])
    expect(codes(await q('creditLimit[$gte]=200&creditLimit[$lt]=400&$sort[code]=1'))).toEqual(['Q-2', 'Q-3'])
    expect(codes(await q('paymentTermsDays[$lte]=30&$sort[code]=1'))).toEqual(['Q-1', 'Q-2', 'Q-3'])
    expect(codes(await q('paymentTermsDays[$ne]=30&$sort[code]=1'))).toEqual(['Q-1', 'Q-4', 'Q-5'])
    expect(codes(await q('paymentTermsDays=30&$sort[code]=1'))).toEqual(['Q-2', 'Q-3'])
  })
  it('supports $in, $nin, $or, $like and $ilike', async () => {
    expect(codes(await q('code[$in][]=Q-1&code[$in][]=Q-4&$sort[code]=1'))).toEqual(['Q-1', 'Q-4'])
    expect(codes(await q('paymentTermsDays[$nin][]=30&paymentTermsDays[$nin][]=10&$sort[code]=1'))).toEqual([
      'Q-4',
      'Q-5',
    ])
    expect(codes(await q('$or[0][paymentTermsDays]=10&$or[1][creditLimit][$gte]=500&$sort[code]=1'))).toEqual(
      ['Q-1', 'Q-5'],
    )
    expect(codes(await q('name[$like]=%25Alpha%25&$sort[code]=1'))).toEqual(['Q-1', 'Q-5'])
    expect(codes(await q('name[$like]=Beta%25'))).toEqual([])
    expect(codes(await q('name[$ilike]=beta%25'))).toEqual(['Q-2'])
  })
  it('pattern-searches e-mail fields but not dates', async () => {
    const r = await api('GET', '/api/users?email[$ilike]=ADMIN%25')
    expect(r.status).toBe(200)
    expect(r.body.data.map((u: { email: string }) => u.email)).toContain(p.adminEmail)
    expect((await api('GET', '/api/users?createdAt[$like]=2026%25')).status).toBe(400)
  })
  it.each([
    ['unknown field', 'nope=1', '/nope'],
    ['unknown operator', 'name[$regex]=x', '/name/$regex'],
    ['malformed integer', 'paymentTermsDays[$gt]=ten', '/paymentTermsDays/$gt'],
    ['malformed money', 'creditLimit=1.234', '/creditLimit'],
    ['bad $limit', '$limit=abc', '/$limit'],
    ['too large $limit', '$limit=100000', '/$limit'],
    ['sort on unknown field', '$sort[nope]=1', '/$sort/nope'],
    ['bad sort direction', '$sort[name]=up', '/$sort/name'],
    ['select unknown field', '$select[]=nope', '/$select/0'],
    ['unknown parameter', '$populate=orders', '/$populate'],
    ['like on a number', 'paymentTermsDays[$like]=1%25', '/paymentTermsDays/$like'],
    ['password is not queryable', 'password=x', '/password'],
  ])('refuses a query with %s (400 naming the path)', async (_label, qs, path) => {
    const endpoint = qs.startsWith('password') ? '/api/users' : '/api/customers'
    const r = await api('GET', `${endpoint}?${qs}`)
    expect(r.status).toBe(400)
    expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(path)
  })
})

describe('get, patch, update, remove', () => {
  it('gets by id, 404 for a missing one and 400 for a malformed id', async () => {
    const c = (await api('POST', '/api/customers', customer('G-1'))).body
    expect((await api('GET', `/api/customers/${c.id}`)).body.code).toBe('G-1')
    const missing = await api('GET', '/api/customers/999999')
    expect(missing.status).toBe(404)
    expect(missing.body.name).toBe('NotFound')
    expect((await api('GET', '/api/customers/abc')).status).toBe(400)
    expect((await api('GET', '/api/customers/1;drop table customers')).status).toBe(400)
  })

  it('patches with optimistic concurrency: a stale version gets 409 and changes nothing', async () => {
    const c = (await api('POST', '/api/customers', customer('V-1'))).body
    const ok = await api('PATCH', `/api/customers/${c.id}`, { name: 'Renamed', version: 1 })
    expect(ok.status).toBe(200)
    expect(ok.body).toMatchObject({ name: 'Renamed', version: 2 })
    expect(new Date(ok.body.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(c.updatedAt).getTime())
    const stale = await api('PATCH', `/api/customers/${c.id}`, { name: 'Lost update', version: 1 })
    expect(stale.status).toBe(409)
    expect(stale.body.data.currentVersion).toBe(2)
    expect((await api('GET', `/api/customers/${c.id}`)).body.name).toBe('Renamed')
    const bad = await api('PATCH', `/api/customers/${c.id}`, { creditLimit: 'lots' })
    expect(bad.status).toBe(400)
    expect(bad.body.errors[0].path).toBe('/creditLimit')
    expect((await api('PATCH', `/api/customers/${c.id}`, { id: 5 })).status).toBe(400)
  })

  it('update (PUT) replaces the record and checks the version', async () => {
    const c = (await api('POST', '/api/customers', customer('U-1', { paymentTermsDays: 45 }))).body
    const r = await api('PUT', `/api/customers/${c.id}`, { code: 'U-1', name: 'Replaced', version: 1 })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ name: 'Replaced', version: 2 })
    expect(r.body.paymentTermsDays).not.toBe(45)
    expect(
      (await api('PUT', `/api/customers/${c.id}`, { code: 'U-1', name: 'Again', version: 1 })).status,
    ).toBe(409)
    expect((await api('PUT', `/api/customers/${c.id}`, { name: 'No code' })).status).toBe(400)
  })

  it('removes a record', async () => {
    const c = (await api('POST', '/api/customers', customer('R-1'))).body
    expect((await api('DELETE', `/api/customers/${c.id}`)).status).toBe(200)
    expect((await api('GET', `/api/customers/${c.id}`)).status).toBe(404)
    expect((await api('DELETE', `/api/customers/${c.id}`)).status).toBe(404)
  })

  it('refuses multi-record patch and remove', async () => {
    expect((await api('PATCH', '/api/customers', { name: 'all' })).status).toBe(405)
    expect((await api('DELETE', '/api/customers')).status).toBe(405)
  })
})

describe('system routes', () => {
  it('serves health, readiness, OpenAPI and docs', async () => {
    expect((await p.http('GET', '/health')).body.status).toBe('ok')
    const ready = await p.http('GET', '/ready')
    expect(ready.status).toBe(200)
    expect(ready.body).toMatchObject({ status: 'ready', database: 'ok' })
    const doc = (await p.http('GET', '/api/openapi.json')).body
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.paths['/api/customers']).toBeDefined()
    expect(doc.paths['/api/orders/{id}'].patch).toBeDefined()
    expect(doc.components.schemas.Customer.properties.creditLimit.type).toBe('string')
    expect(doc.paths['/api/customers'].get.parameters.map((x: { name: string }) => x.name)).toContain(
      '$total',
    )
    expect(doc.components.schemas.UserData.properties.password).toBeDefined()
    expect(doc.components.schemas.User.properties.password).toBeUndefined()
    const html = await p.http('GET', '/api/docs')
    expect(String(html.body)).toContain('/api/customers')
  })
  it('never returns password hashes', async () => {
    const users = await api('GET', '/api/users')
    expect(users.status).toBe(200)
    expect(users.body.data[0].email).toBe(p.adminEmail)
    expect(users.body.data[0].password).toBeUndefined()
  })
  it('lets embedding sites read the request id and Retry-After', async () => {
    const r = await fetch(`${p.url}/health`, { headers: { origin: 'https://partner.example' } })
    expect(r.headers.get('access-control-expose-headers')).toMatch(/X-Request-Id/)
    expect(r.headers.get('access-control-expose-headers')).toMatch(/Retry-After/)
  })
  it('answers unknown paths with a JSON 404', async () => {
    const r = await p.http('GET', '/api/nothing-here')
    expect(r.status).toBe(404)
  })
})
