/**
 * Publishable keys (pk_…) and embed sessions minted with secret keys (sk_…) against a real
 * server: what each may reach, origins, expiry, revocation, hashing (docs/sdk.md, "Keys and embed sessions").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { io } from 'socket.io-client'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { hashApiKey } from '../../core/src/auth/api-keys.js'
import {
  auth,
  createClient,
  createEmbedSession,
  isPlumeError,
  rest,
  revokeEmbedSession,
} from '../../sdk/src/index.js'
import { embedCaller, embedFixture, mintSession, SHOP_A, SHOP_B, type EmbedFixture } from './fixture.js'

let p: TestPlatform
let f: EmbedFixture
const fromA = () => embedCaller(p, SHOP_A)

beforeAll(async () => {
  p = await startTestPlatform()
  f = await embedFixture(p, 'EK')
}, 600_000)
afterAll(async () => p?.close())

describe('publishable keys', () => {
  it("read the catalog without cost, availability and the partner's prices, from a listed origin", async () => {
    const call = fromA()
    const products = await call('GET', `/api/products?id=${f.products.widget}`, { pk: f.pkA })
    expect(products.status).toBe(200)
    expect(products.body.data[0].sku).toContain('SKU-EK-W')
    expect(products.body.data[0]).not.toHaveProperty('cost')
    expect(
      (await call('GET', `/api/stock-levels?productId=${f.products.widget}`, { pk: f.pkA })).body.data[0]
        .onHand,
    ).toBe(100)
    const quote = await call(
      'POST',
      '/api/order-quotes',
      { pk: f.pkA },
      { lines: [{ productId: f.products.widget, quantity: 1 }] },
    )
    expect(quote.status).toBe(200)
    expect(quote.body.lines[0].unitPrice).toBe('8.33')
    expect(quote.body.partnerId).toBe(f.partnerId)
    const quoteB = await embedCaller(p, SHOP_B)(
      'POST',
      '/api/order-quotes',
      { pk: f.pkB },
      { lines: [{ productId: f.products.widget, quantity: 1 }] },
    )
    expect(quoteB.body.lines[0].unitPrice).toBe('6.66')
  })

  it('are refused from an origin not on the list, and without an Origin', async () => {
    expect((await embedCaller(p, 'https://evil.test')('GET', '/api/products', { pk: f.pkA })).status).toBe(
      403,
    )
    expect((await embedCaller(p, undefined)('GET', '/api/products', { pk: f.pkA })).status).toBe(403)
    expect((await embedCaller(p, SHOP_B)('GET', '/api/products', { pk: f.pkA })).status).toBe(403)
  })

  it('reach nothing beyond the catalog: orders, customers, prices lists, users, keys, sessions, meta', async () => {
    const call = fromA()
    for (const path of [
      '/api/orders',
      '/api/order-lines',
      '/api/customers',
      '/api/price-lists',
      '/api/price-list-items',
      '/api/users',
      '/api/api-keys',
      '/api/embed-sessions',
      '/api/meta',
      '/api/partners',
      '/api/invoices',
    ]) {
      const r = await call('GET', path, { pk: f.pkA })
      expect([403], `${path} → ${r.status}`).toContain(r.status)
      expect(JSON.stringify(r.body)).not.toMatch(/select |at .*\.ts/)
    }
    expect(
      (
        await call(
          'POST',
          '/api/orders',
          { pk: f.pkA },
          {
            customerId: f.customerId,
            warehouseId: f.warehouseId,
            lines: [{ productId: f.products.widget, quantity: 1 }],
          },
        )
      ).status,
    ).toBe(403)
    expect(
      (await call('PATCH', `/api/products/${f.products.widget}`, { pk: f.pkA }, { name: 'x' })).status,
    ).toBe(403)
    expect(
      (await call('POST', '/api/embed-sessions', { pk: f.pkA }, { scopes: ['catalog:read'] })).status,
    ).toBe(403)
  })

  it('need a partner and allowed origins; the kind cannot change', async () => {
    const token = await p.login()
    const noOrigins = await p.http(
      'POST',
      '/api/api-keys',
      { name: 'x', kind: 'publishable', partnerId: f.partnerId },
      token,
    )
    expect(noOrigins.status).toBe(400)
    expect(noOrigins.body.errors[0].path).toBe('/allowedOrigins')
    const noPartner = await p.http(
      'POST',
      '/api/api-keys',
      { name: 'x', kind: 'secret', allowedOrigins: [SHOP_A] },
      token,
    )
    expect(noPartner.status).toBe(400)
    expect(noPartner.body.errors[0].path).toBe('/partnerId')
    const pk = await p.http(
      'POST',
      '/api/api-keys',
      { name: 'x', kind: 'publishable', partnerId: f.partnerId, allowedOrigins: [SHOP_A] },
      token,
    )
    expect(pk.body.key).toMatch(/^pk_[A-Za-z0-9]{8}_/)
    expect(pk.body.roles).toEqual(['partner_user'])
    const change = await p.http('PATCH', `/api/api-keys/${pk.body.id}`, { kind: 'secret' }, token)
    expect(change.status).toBe(400)
    expect(change.body.errors[0].path).toBe('/kind')
    // the label is part of the key: the same secret under another label is not a key
    expect((await fromA()('GET', '/api/products', { pk: pk.body.key.replace(/^pk_/, 'sk_') })).status).toBe(
      401,
    )
  })
})

describe('secret keys and embed sessions', () => {
  it('a secret key is refused from a browser (any Origin)', async () => {
    expect((await fromA()('GET', '/api/products', { sk: f.skA })).status).toBe(403)
  })

  it('mints an origin-bound, scope-limited, short-lived session for one customer', async () => {
    const r = await mintSession(p, f.skA, {
      scopes: ['orders:create', 'orders:read:own-customer'],
      customerId: f.customerId,
    })
    expect(r.status).toBe(201)
    expect(r.body.token).toMatch(/^pes_[A-Za-z0-9]{8}_/)
    expect(r.body).toMatchObject({
      partnerId: f.partnerId,
      customerId: f.customerId,
      origins: [SHOP_A],
      revokedAt: null,
    })
    const life = new Date(r.body.expiresAt).getTime() - new Date(r.body.createdAt).getTime()
    expect(life).toBeLessThanOrEqual(900_000)
    const session = r.body.token as string
    const call = fromA()
    const order = await call(
      'POST',
      '/api/orders',
      { session },
      { warehouseId: f.warehouseId, lines: [{ productId: f.products.widget, quantity: 3 }] },
    )
    expect(order.status).toBe(201)
    expect(order.body).toMatchObject({ partnerId: f.partnerId, customerId: f.customerId, status: 'draft' })
    expect(order.body.lines[0].unitPrice).toBe('8.33')
    expect((await call('POST', `/api/orders/${order.body.id}/submit`, { session }, {})).status).toBe(201)
    const mine = await call('GET', '/api/orders?$limit=100', { session })
    expect(mine.status).toBe(200)
    expect(mine.body.data.every((o: { customerId: number }) => o.customerId === f.customerId)).toBe(true)
    expect(mine.body.data.map((o: { id: number }) => o.id)).toContain(order.body.id)
    // the partner's other customer, and another partner, are out of reach
    expect((await call('GET', `/api/orders/${f.sibling.orderId}`, { session })).status).toBe(404)
    expect((await call('POST', `/api/orders/${f.sibling.orderId}/submit`, { session }, {})).status).toBe(404)
    const otherCustomer = await call(
      'POST',
      '/api/orders',
      { session },
      {
        customerId: f.sibling.customerId,
        warehouseId: f.warehouseId,
        lines: [{ productId: f.products.widget, quantity: 1 }],
      },
    )
    expect(otherCustomer.status).toBe(403)
    expect(otherCustomer.body.errors[0].path).toBe('/customerId')
    // from another origin, or with no Origin at all, the token is refused
    expect((await embedCaller(p, SHOP_B)('GET', '/api/orders', { session })).status).toBe(403)
    expect((await embedCaller(p, undefined)('GET', '/api/orders', { session })).status).toBe(403)
    // never in a URL
    expect([400, 401]).toContain(
      (await embedCaller(p, SHOP_A)('GET', `/api/orders?accessToken=${session}`, {})).status,
    )
    // scopes: no catalog, no customers list beyond its own, no users
    expect((await call('GET', '/api/users', { session })).status).toBe(403)
    const customers = await call('GET', '/api/customers?$limit=100', { session })
    expect(customers.body.data.map((c: { id: number }) => c.id)).toEqual([f.customerId])
  })

  it('refuses bad mint requests, naming the field', async () => {
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ scopes: ['catalog:write'] }, 400, '/scopes/0'],
      [{ scopes: [] }, 400, '/scopes'],
      [{ scopes: ['catalog:read'], ttlSeconds: 901 }, 400, '/ttlSeconds'],
      [{ scopes: ['orders:read:own-customer'] }, 400, '/customerId'],
      [{ scopes: ['dashboard:read'], customerId: f.customerId }, 400, '/scopes'],
      [{ scopes: ['catalog:read'], customerId: f.other.customerId }, 403, '/customerId'],
      [{ scopes: ['catalog:read'], origins: ['https://evil.test'] }, 403, '/origins/0'],
      [{ scopes: ['catalog:read'], nope: 1 }, 400, '/nope'],
    ]
    for (const [body, status, path] of cases) {
      const r = await mintSession(p, f.skA, body)
      expect(r.status, JSON.stringify(body)).toBe(status)
      expect(r.body.errors[0].path).toBe(path)
    }
    // only a secret key mints: not a publishable key, not a partner user's token
    expect(
      (await fromA()('POST', '/api/embed-sessions', { pk: f.pkA }, { scopes: ['catalog:read'] })).status,
    ).toBe(403)
    const partnerToken = await p.login(f.partnerEmail, f.partnerPassword)
    expect(
      (await p.http('POST', '/api/embed-sessions', { scopes: ['catalog:read'] }, partnerToken)).status,
    ).toBe(403)
  })

  it('an expired session is refused and a new one works; a revoked session or key stops at once', async () => {
    const mint = async () =>
      (await mintSession(p, f.skA, { scopes: ['catalog:read'] })).body as { id: number; token: string }
    const call = fromA()
    const old = await mint()
    // as if 15 minutes had passed since it was minted (before any use, so nothing is cached)
    await p.db
      .knex('plume_embed_sessions')
      .where({ id: old.id })
      .update({ expires_at: p.db.knex.raw("now() - interval '1 second'") })
    const expired = await call('GET', '/api/products', { session: old.token })
    expect(expired.status).toBe(401)
    expect(expired.body.data?.reason).toBe('embed-session-expired')
    const fresh = await mint()
    expect((await call('GET', '/api/products', { session: fresh.token })).status).toBe(200)
    const revoke = await p.http('DELETE', `/api/embed-sessions/${fresh.id}`, undefined, undefined, {
      'x-api-key': f.skA,
    })
    expect(revoke.status).toBe(200)
    expect(revoke.body.revokedAt).not.toBeNull()
    expect((await call('GET', '/api/products', { session: fresh.token })).status).toBe(401)
    const listed = await p.http('GET', '/api/embed-sessions', undefined, undefined, { 'x-api-key': f.skA })
    expect(listed.body.data.find((s: { id: number }) => s.id === fresh.id).revokedAt).not.toBeNull()
    expect(listed.body.data.every((s: { partnerId: number }) => s.partnerId === f.partnerId)).toBe(true)
    // revoking the secret key ends every session it minted
    const token = await p.login()
    const sk = await p.http(
      'POST',
      '/api/api-keys',
      {
        name: 'short-lived',
        kind: 'secret',
        partnerId: f.partnerId,
        roles: ['partner_user'],
        allowedOrigins: [SHOP_A],
      },
      token,
    )
    const child = (await mintSession(p, sk.body.key, { scopes: ['catalog:read'] })).body as { token: string }
    expect((await call('GET', '/api/products', { session: child.token })).status).toBe(200)
    expect((await p.http('POST', `/api/api-keys/${sk.body.id}/revoke`, {}, token)).status).toBe(201)
    expect((await call('GET', '/api/products', { session: child.token })).status).toBe(401)
  })

  it('stores keys and session tokens hashed only', async () => {
    const session = (await mintSession(p, f.skA, { scopes: ['catalog:read'] })).body as {
      id: number
      token: string
    }
    const row = (await p.db.knex('plume_embed_sessions').where({ id: session.id }).first()) as Record<
      string,
      unknown
    >
    expect(row.token_hash).toBe(hashApiKey(session.token))
    expect(JSON.stringify(row)).not.toContain(session.token.slice(13))
    const key = (await p.db.knex('api_keys').where({ id: f.skAId }).first()) as Record<string, unknown>
    expect(key.keyHash).toBe(hashApiKey(f.skA))
    expect(JSON.stringify(key)).not.toContain(f.skA.slice(12))
  })

  it('a session token cannot sign in a socket', async () => {
    const session = (await mintSession(p, f.skA, { scopes: ['orders:read'] })).body as { token: string }
    const socket = io(p.url, { transports: ['websocket'], extraHeaders: { origin: SHOP_A } })
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve())
        socket.once('connect_error', reject)
      })
      const answer = await new Promise<{ error?: { code: number } }>((resolve) => {
        socket.emit(
          'create',
          'api/authentication',
          { strategy: 'jwt', accessToken: session.token },
          (error: { code: number } | null) => resolve({ error: error ?? undefined }),
        )
      })
      expect(answer.error?.code).toBe(401)
      const find = await new Promise<{ code?: number }>((resolve) =>
        socket.emit('find', 'api/orders', {}, (error: { code: number } | null) => resolve(error ?? {})),
      )
      expect(find.code).toBe(401)
    } finally {
      socket.disconnect()
    }
  })

  it('the SDK mints and revokes a session from a partner server (createEmbedSession)', async () => {
    const server = createClient(p.url)
      .with(rest())
      .with(auth({ apiKey: f.skA }))
    const session = await server.request(createEmbedSession({ scopes: ['catalog:read'], ttlSeconds: 120 }))
    expect(session.token).toMatch(/^pes_/)
    expect(new Date(session.expiresAt).getTime() - new Date(session.createdAt).getTime()).toBe(120_000)
    expect((await fromA()('GET', '/api/products', { session: session.token })).status).toBe(200)
    expect((await server.request(revokeEmbedSession(session.id))).revokedAt).not.toBeNull()
    expect((await fromA()('GET', '/api/products', { session: session.token })).status).toBe(401)
    const err = await server
      .request(createEmbedSession({ scopes: [], customerId: 1 }))
      .catch((e: unknown) => e)
    expect(isPlumeError(err) && err.fieldError('scopes')).toBeTruthy()
  })
})
