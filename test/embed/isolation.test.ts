/**
 * Partner isolation for embed principals: a publishable key or an embed session of partner A
 * cannot read or change partner B's data through any route, filter, relation or realtime event,
 * and a session bound to one customer sees none of the partner's other customers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { io, type Socket } from 'socket.io-client'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { allowedByScopes, EMBED_SCOPES } from '../../core/src/embed/scopes.js'
import { embedCaller, embedFixture, mintSession, SHOP_A, type EmbedFixture } from './fixture.js'

type Row = Record<string, unknown>
type Auth = { pk?: string; session?: string }

let p: TestPlatform
let f: EmbedFixture
let wide: string
let bound: string
let customersOfA: Set<number>
const call = () => embedCaller(p, SHOP_A)

beforeAll(async () => {
  p = await startTestPlatform()
  f = await embedFixture(p, 'ISO')
  const partnerWide = EMBED_SCOPES.filter((s) => s !== 'orders:read:own-customer')
  wide = (await mintSession(p, f.skA, { scopes: partnerWide })).body.token
  bound = (
    await mintSession(p, f.skA, {
      scopes: ['catalog:read', 'orders:create', 'orders:read:own-customer', 'invoices:read'],
      customerId: f.customerId,
    })
  ).body.token
  const rows = (await p.db.knex('customers').where({ partnerId: f.partnerId }).select('id')) as Array<{
    id: number
  }>
  customersOfA = new Set(rows.map((r) => r.id))
}, 600_000)
afterAll(async () => p?.close())

const principals = (): Array<[string, Auth, (r: Row) => string | undefined]> => {
  const ofPartner = (r: Row) =>
    'partnerId' in r && r.partnerId !== null && r.partnerId !== f.partnerId
      ? `partnerId ${String(r.partnerId)}`
      : 'customerId' in r && r.customerId !== null && !customersOfA.has(Number(r.customerId))
        ? `customerId ${String(r.customerId)}`
        : undefined
  const ofCustomer = (r: Row) =>
    ofPartner(r) ??
    ('customerId' in r && r.customerId !== f.customerId ? `customerId ${String(r.customerId)}` : undefined)
  return [
    ['publishable key', { pk: f.pkA }, ofPartner],
    ['partner-wide session', { session: wide }, ofPartner],
    ['customer session', { session: bound }, ofCustomer],
  ]
}

describe('embed principals of partner A', () => {
  it('read no row of partner B (nor, bound to a customer, of its siblings) from any entity service', async () => {
    for (const [who, auth, foreign] of principals()) {
      for (const entity of p.app.get('entities').values()) {
        const r = await call()('GET', `/api/${entity.plural}?$limit=500`, auth)
        expect([200, 403], `${who} ${entity.plural} → ${r.status}`).toContain(r.status)
        if (r.status !== 200) continue
        for (const row of r.body.data as Row[])
          expect(foreign(row), `${who} read ${entity.plural} #${String(row.id)}`).toBeUndefined()
        if (entity.name === 'partner') expect((r.body.data as Row[]).map((x) => x.id)).toEqual([f.partnerId])
        if (entity.name === 'customer' && who === 'customer session')
          expect((r.body.data as Row[]).map((x) => x.id)).toEqual([f.customerId])
      }
    }
  })

  it("cannot name partner B's records by id, filter or $or", async () => {
    for (const [who, auth] of principals()) {
      for (const path of [
        `/api/orders/${f.other.orderId}`,
        `/api/customers/${f.other.customerId}`,
        `/api/partners/${f.other.partnerId}`,
      ]) {
        const r = await call()('GET', path, auth)
        expect([403, 404], `${who} ${path} → ${r.status}`).toContain(r.status)
      }
      for (const q of [
        `partnerId=${f.other.partnerId}`,
        `customerId=${f.other.customerId}`,
        `customerId[$in][]=${f.other.customerId}`,
        `$or[0][customerId]=${f.other.customerId}&$or[1][partnerId]=${f.other.partnerId}`,
        `id=${f.other.orderId}`,
      ]) {
        const r = await call()('GET', `/api/orders?${q}`, auth)
        // the orders plugin pins a partner's partnerId filter to its own: rows come back, never B's
        if (r.status === 200)
          for (const o of r.body.data as Row[]) expect(o.partnerId, `${who} orders?${q}`).toBe(f.partnerId)
        else expect(r.status).toBe(403)
      }
      const lines = await call()('GET', `/api/order-lines?orderId=${f.other.orderId}`, auth)
      if (lines.status === 200) expect(lines.body.total).toBe(0)
    }
    // bound to a customer: the partner's other customer is as far away as partner B
    const sibling = await call()('GET', `/api/orders/${f.sibling.orderId}`, { session: bound })
    expect(sibling.status).toBe(404)
    expect(
      (await call()('GET', `/api/orders?customerId=${f.sibling.customerId}`, { session: bound })).body.total,
    ).toBe(0)
  })

  it('cannot write to partner B or move anything there', async () => {
    const order = { warehouseId: f.warehouseId, lines: [{ productId: f.products.widget, quantity: 1 }] }
    for (const [who, auth] of principals()) {
      for (const body of [
        { ...order, customerId: f.other.customerId },
        { ...order, customerId: f.customerId, partnerId: f.other.partnerId },
      ]) {
        const r = await call()('POST', '/api/orders', auth, body)
        expect(r.status, `${who} ${JSON.stringify(body)}`).toBe(403)
      }
      expect((await call()('PATCH', `/api/orders/${f.other.orderId}`, auth, { notes: 'x' })).status).toBe(403)
      expect([403, 404]).toContain(
        (await call()('POST', `/api/orders/${f.other.orderId}/submit`, auth, {})).status,
      )
      expect(
        (
          await call()('POST', '/api/order-quotes', auth, {
            partnerId: f.other.partnerId,
            lines: [{ productId: f.products.widget, quantity: 1 }],
          })
        ).status,
      ).toBe(403)
      expect(
        (
          await call()('POST', '/api/order-quotes', auth, {
            customerId: f.other.customerId,
            lines: [{ productId: f.products.widget, quantity: 1 }],
          })
        ).status,
      ).toBe(403)
      expect((await call()('DELETE', `/api/customers/${f.other.customerId}`, auth)).status).toBe(403)
    }
    const untouched = (await p.db
      .knex('orders')
      .where({ id: f.other.orderId })
      .first('notes', 'status')) as Row
    expect(untouched.status).toBe('draft')
  })

  it("a session's quote prices for its own customer, through the nested order create", async () => {
    const r = await call()(
      'POST',
      '/api/order-quotes',
      { session: bound },
      { lines: [{ productId: f.products.widget, quantity: 1 }] },
    )
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ customerId: f.customerId, partnerId: f.partnerId })
    expect(r.body.lines[0].unitPrice).toBe('8.33')
    expect(
      (
        await call()(
          'POST',
          '/api/order-quotes',
          { session: bound },
          { customerId: f.sibling.customerId, lines: [{ productId: f.products.widget, quantity: 1 }] },
        )
      ).status,
    ).toBe(403)
  })

  it('reach no other service: custom services, actions and admin resources answer 403 unless a scope lists them', async () => {
    const paths = Object.keys(p.app.services).filter(
      (s) => s.startsWith('api/') && s !== 'api/authentication',
    )
    expect(paths.length).toBeGreaterThan(20)
    for (const [who, auth] of principals()) {
      const scopes =
        who === 'publishable key'
          ? ['catalog:read']
          : who === 'customer session'
            ? ['catalog:read', 'orders:create', 'orders:read:own-customer', 'invoices:read']
            : EMBED_SCOPES.filter((s) => s !== 'orders:read:own-customer')
      for (const path of paths) {
        const url = `/${path.replace(':id', String(f.other.orderId))}`
        for (const [method, verb] of [
          ['GET', 'find'],
          ['POST', 'create'],
        ] as const) {
          if (allowedByScopes(path, verb, scopes)) continue
          const r = await call()(method, url, auth, method === 'POST' ? {} : undefined)
          expect([403, 404, 405], `${who} ${method} ${url} → ${r.status}`).toContain(r.status)
        }
      }
    }
  })

  it('dashboard figures by any relation count partner A only', async () => {
    const r = await call()('GET', '/api/aggregates?entity=order&measure=count&groupBy=partnerId', {
      session: wide,
    })
    expect(r.status).toBe(200)
    const partners = (r.body.rows as Row[]).map((x) => Number(x.partnerId))
    expect(partners).toEqual([f.partnerId])
    const byCustomer = await call()('GET', '/api/aggregates?entity=order&measure=count&groupBy=customerId', {
      session: wide,
    })
    for (const row of byCustomer.body.rows as Row[])
      expect(customersOfA.has(Number(row.customerId))).toBe(true)
    expect(
      (await call()('GET', '/api/aggregates?entity=order&measure=count', { session: bound })).status,
    ).toBe(403)
  })

  it('realtime: partner B hears nothing of an order an embed session of A places', async () => {
    const admin = await p.login()
    const emailB = 'buyer-b-iso@partner.test'
    await p.http(
      'POST',
      '/api/users',
      {
        email: emailB,
        name: 'B buyer',
        password: 'Partner-Secret-123',
        roles: ['partner_user'],
        partnerId: f.other.partnerId,
        locale: 'en',
      },
      admin,
    )
    const listen = async (email: string) => {
      const socket: Socket = io(p.url, { transports: ['websocket'] })
      const heard: Row[] = []
      socket.on('api/orders created', (o: Row) => heard.push(o))
      socket.on('api/orders patched', (o: Row) => heard.push(o))
      await new Promise<void>((resolve, reject) =>
        socket.emit(
          'create',
          'api/authentication',
          { strategy: 'local', email, password: 'Partner-Secret-123' },
          (err: unknown) => (err ? reject(new Error(JSON.stringify(err))) : resolve()),
        ),
      )
      return { socket, heard }
    }
    const a = await listen(f.partnerEmail)
    const b = await listen(emailB)
    try {
      const created = await call()(
        'POST',
        '/api/orders',
        { session: bound },
        { warehouseId: f.warehouseId, lines: [{ productId: f.products.widget, quantity: 1 }] },
      )
      expect(created.status).toBe(201)
      await call()('POST', `/api/orders/${created.body.id}/submit`, { session: bound }, {})
      // A's user hears both events; by then B's socket has had the same chance
      await expect
        .poll(() => a.heard.filter((o) => o.id === created.body.id).length, { timeout: 20_000 })
        .toBe(2)
      await new Promise<void>((resolve) =>
        b.socket.emit('find', 'api/orders', { $limit: 1 }, () => resolve()),
      )
      expect(b.heard.filter((o) => o.id === created.body.id)).toEqual([])
      expect(b.heard.every((o) => o.partnerId === f.other.partnerId)).toBe(true)
    } finally {
      a.socket.disconnect()
      b.socket.disconnect()
    }
  })
})
