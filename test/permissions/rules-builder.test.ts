import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PASSWORD, startWorld, type World } from './fixture.js'

/** What the rule builder (#17) needs from the server: validation without saving, history, user attributes. */
let w: World
let admin: string
const api = (token: string, method: string, path: string, body?: unknown) =>
  w.p.http(method, path, body, token)
const rule = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  effect: 'allow',
  entities: ['stockLevel'],
  actions: ['find', 'get'],
  conditions: {
    all: [{ fact: 'user', path: '$.attributes.warehouseId', operator: 'greaterThan', value: 0 }],
  },
  row: { warehouseId: { $fact: 'user.attributes.warehouseId' } },
  ...extra,
})

beforeAll(async () => {
  w = await startWorld()
  admin = w.users.admin!.token
}, 400_000)
afterAll(async () => w?.p.close())

describe('POST api/rules/validate', () => {
  it('answers the save checks without saving, paths into the rule', async () => {
    const ok = await api(admin, 'POST', '/api/rules/validate', { definition: rule('v-ok') })
    expect(ok.status).toBe(201)
    expect(ok.body).toEqual({ valid: true, errors: [] })
    const bad = await api(
      admin,
      'POST',
      '/api/rules/validate',
      rule('v-bad', { actions: ['get', 'stockLevels:fly'], fields: { hidden: ['ghost'] }, row: { nope: 1 } }),
    )
    expect(bad.status).toBe(201)
    expect(bad.body.valid).toBe(false)
    expect(bad.body.errors).toEqual(
      expect.arrayContaining([
        { path: '/actions/1', message: expect.any(String) },
        { path: '/fields/hidden/0', message: 'unknown field "ghost" of stockLevel' },
        { path: '/row/nope', message: 'is not a known field' },
      ]),
    )
    expect((await api(admin, 'GET', '/api/rules?name=v-ok')).body).toEqual([])
    expect((await api(admin, 'POST', '/api/rules/validate', [1])).body.errors).toEqual([
      { path: '', message: 'must be an object' },
    ])
  })

  it('is for those who may create rules', async () => {
    expect((await api(w.users.manager!.token, 'POST', '/api/rules/validate', rule('v-m'))).status).toBe(403)
    expect((await api(w.users.auditor!.token, 'POST', '/api/rules/validate', rule('v-a'))).status).toBe(403)
    expect((await w.p.http('POST', '/api/rules/validate', rule('v-anon'))).status).toBe(401)
  })
})

describe('GET api/rules/:id/versions', () => {
  it('lists every saved state newest first; an old definition saved again reverts', async () => {
    const created = await api(admin, 'POST', '/api/rules', { definition: rule('hist-1') })
    expect(created.status).toBe(201)
    const id = created.body.id as number
    expect(
      (
        await api(admin, 'PATCH', `/api/rules/${id}`, {
          definition: rule('hist-1', { actions: ['find'] }),
          version: 1,
        })
      ).status,
    ).toBe(200)
    const h = await api(admin, 'GET', `/api/rules/${id}/versions`)
    expect(h.status).toBe(200)
    expect(h.body.map((v: { version: number; change: string }) => [v.version, v.change])).toEqual([
      [2, 'update'],
      [1, 'create'],
    ])
    expect(h.body[1].definition.actions).toEqual(['find', 'get'])
    expect(h.body[0].updatedAt).toMatch(/Z$/)
    const back = await api(admin, 'PATCH', `/api/rules/${id}`, {
      definition: h.body[1].definition,
      version: 2,
    })
    expect(back.body).toMatchObject({ version: 3, definition: { actions: ['find', 'get'] } })
    expect((await api(w.users.auditor!.token, 'GET', `/api/rules/${id}/versions`)).status).toBe(200)
    expect((await api(w.users.manager!.token, 'GET', `/api/rules/${id}/versions`)).status).toBe(403)
    expect((await api(admin, 'GET', '/api/rules/999999/versions')).status).toBe(404)
    expect((await api(admin, 'GET', '/api/rules/x/versions')).status).toBe(400)
    expect((await api(admin, 'DELETE', `/api/rules/${id}`)).status).toBe(200)
    expect((await api(admin, 'GET', `/api/rules/${id}/versions`)).body[0]).toMatchObject({
      version: 4,
      change: 'remove',
    })
  })
})

describe('user attributes as rule facts', () => {
  it('scopes rows to "the user\'s warehouse"; users cannot set their own attributes', async () => {
    const w2 = (await w.p.app.service('api/warehouses').create({ code: 'W2', name: 'North' })) as {
      id: number
    }
    await w.p.app.service('api/stock-levels').create({
      productId: w.ids.product,
      warehouseId: w2.id,
      onHand: 5,
      reserved: 0,
      reorderPoint: 1,
      reorderQuantity: 5,
    })
    expect((await api(admin, 'POST', '/api/rules', { definition: rule('own-warehouse-stock') })).status).toBe(
      201,
    )
    const login = async (email: string, warehouseId: number) => {
      const u = await api(admin, 'POST', '/api/users', {
        email,
        name: email,
        password: PASSWORD,
        roles: [],
        attributes: { warehouseId },
      })
      expect(u.status).toBe(201)
      expect(u.body.attributes).toEqual({ warehouseId })
      return { id: u.body.id as number, token: await w.p.login(email, PASSWORD) }
    }
    const one = await login('w1@attr.test', w.ids.warehouse)
    const two = await login('w2@attr.test', w2.id)
    const seen = async (token: string) =>
      ((await api(token, 'GET', '/api/stock-levels')).body.data as Array<{ warehouseId: number }>).map(
        (r) => r.warehouseId,
      )
    expect(await seen(one.token)).toEqual([w.ids.warehouse])
    expect(await seen(two.token)).toEqual([w2.id])
    const self = await api(one.token, 'PATCH', `/api/users/${one.id}`, { attributes: { warehouseId: w2.id } })
    expect(self.status).toBe(403)
    expect(JSON.stringify(self.body)).toMatch(/attributes/)
    const explain = await api(
      admin,
      'GET',
      `/api/permissions/explain?userId=${two.id}&action=find&entity=stockLevel`,
    )
    expect(explain.body).toMatchObject({ allowed: true, rowCondition: { warehouseId: w2.id } })
  })
})
