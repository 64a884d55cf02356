/**
 * Live order events for embed sessions over a real socket.io connection: a session with
 * `orders:read` hears its partner's orders (bound to a customer: that customer's) and never
 * another partner's; the socket is disconnected when its session is revoked or expires, and
 * signs in again with a renewed session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { io, type Socket } from 'socket.io-client'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { embedFixture, mintSession, SHOP_A, SHOP_B, type EmbedFixture } from './fixture.js'

type Row = Record<string, unknown>

let p: TestPlatform
let f: EmbedFixture
let admin: string

beforeAll(async () => {
  p = await startTestPlatform()
  f = await embedFixture(p, 'LIVE')
  admin = await p.login()
}, 1_800_000)
afterAll(async () => p?.close())

interface Listener {
  socket: Socket
  heard: Row[]
  disconnects: string[]
  signIn: (token: string) => Promise<Row>
}

/** A socket from a partner page's origin, hearing order events. */
async function listen(origin: string): Promise<Listener> {
  const socket = io(p.url, { transports: ['websocket'], extraHeaders: { origin }, reconnection: false })
  const heard: Row[] = []
  const disconnects: string[] = []
  for (const e of ['created', 'patched']) socket.on(`api/orders ${e}`, (o: Row) => heard.push(o))
  socket.on('disconnect', (reason) => disconnects.push(reason))
  await new Promise<void>((resolve) => socket.on('connect', () => resolve()))
  const signIn = (token: string) =>
    new Promise<Row>((resolve, reject) =>
      socket.emit('create', 'api/embed-realtime', { token }, (err: Row | null, data: Row) =>
        err ? reject(Object.assign(new Error(String(err.message)), err)) : resolve(data),
      ),
    )
  return { socket, heard, disconnects, signIn }
}

const session = async (body: Row, sk = f.skA) => {
  const r = await mintSession(p, sk, body)
  if (r.status !== 201) throw new Error(`session → ${r.status} ${JSON.stringify(r.body)}`)
  return r.body as { id: number; token: string }
}

const placeOrder = async (customerId: number) => {
  const r = await p.http(
    'POST',
    '/api/orders',
    { customerId, warehouseId: f.warehouseId, lines: [{ productId: f.products.widget, quantity: 1 }] },
    admin,
  )
  expect(r.status).toBe(201)
  return r.body as { id: number; partnerId: number }
}

/** Partner B's admin-side key, to mint B's sessions. */
const skOfB = async () => {
  const r = await p.http(
    'POST',
    '/api/api-keys',
    {
      name: 'B server',
      kind: 'secret',
      partnerId: f.other.partnerId,
      roles: ['partner_user'],
      allowedOrigins: [SHOP_B],
    },
    admin,
  )
  return (r.body as { key: string }).key
}

describe('live order events for embed sessions', () => {
  it("a session hears its partner's orders only; a customer session its customer's only", async () => {
    const wide = await listen(SHOP_A)
    const bound = await listen(SHOP_A)
    const b = await listen(SHOP_B)
    try {
      await wide.signIn((await session({ scopes: ['orders:read'] })).token)
      const signed = await bound.signIn(
        (await session({ scopes: ['orders:read:own-customer'], customerId: f.customerId })).token,
      )
      expect(signed).toMatchObject({ partnerId: f.partnerId, customerId: f.customerId })
      await b.signIn((await session({ scopes: ['orders:read'] }, await skOfB())).token)
      const own = await placeOrder(f.customerId)
      const sibling = await placeOrder(f.sibling.customerId)
      const other = await placeOrder(f.other.customerId)
      // each socket hears the order it may see; by then the others have had the same chance
      await expect.poll(() => wide.heard.map((o) => o.id), { timeout: 60_000 }).toContain(sibling.id)
      await expect.poll(() => bound.heard.map((o) => o.id), { timeout: 60_000 }).toContain(own.id)
      await expect.poll(() => b.heard.map((o) => o.id), { timeout: 60_000 }).toContain(other.id)
      await expect.poll(() => wide.heard.map((o) => o.id), { timeout: 60_000 }).toContain(own.id)
      expect(wide.heard.every((o) => o.partnerId === f.partnerId)).toBe(true)
      expect(wide.heard.map((o) => o.id)).not.toContain(other.id)
      expect(bound.heard.every((o) => o.customerId === f.customerId)).toBe(true)
      expect(b.heard.map((o) => o.id)).not.toContain(own.id)
      expect(b.heard.every((o) => o.partnerId === f.other.partnerId)).toBe(true)
      // the socket holds no login: it calls no service
      const find = await new Promise<Row | null>((resolve) =>
        wide.socket.emit('find', 'api/orders', {}, (err: Row | null) => resolve(err)),
      )
      expect(find?.code).toBe(401)
    } finally {
      for (const l of [wide, bound, b]) l.socket.disconnect()
    }
  })

  it('refuses a session without orders scopes, from another origin, or a bad token; REST gets 405', async () => {
    const l = await listen(SHOP_A)
    try {
      const catalog = await session({ scopes: ['catalog:read'] })
      await expect(l.signIn(catalog.token)).rejects.toMatchObject({ code: 403 })
      await expect(l.signIn('pes_nope_nope')).rejects.toMatchObject({ code: 401 })
      await expect(l.signIn(42 as unknown as string)).rejects.toMatchObject({ code: 400 })
      const stranger = await listen(SHOP_B)
      await expect(stranger.signIn((await session({ scopes: ['orders:read'] })).token)).rejects.toMatchObject(
        {
          code: 403,
        },
      )
      stranger.socket.disconnect()
      await placeOrder(f.customerId)
      expect(l.heard).toEqual([])
    } finally {
      l.socket.disconnect()
    }
    const rest = await p.http('POST', '/api/embed-realtime', { token: 'x' }, admin)
    expect(rest.status).toBe(405)
  })

  it('a revoked session is disconnected; a renewed one signs in again on a new socket', async () => {
    const l = await listen(SHOP_A)
    const s = await session({ scopes: ['orders:read'] })
    await l.signIn(s.token)
    const del = await p.http('DELETE', `/api/embed-sessions/${s.id}`, undefined, undefined, {
      'x-api-key': f.skA,
    })
    expect(del.status).toBe(200)
    await expect.poll(() => l.disconnects, { timeout: 30_000 }).toEqual(['io server disconnect'])
    const again = await listen(SHOP_A)
    await expect(again.signIn(s.token)).rejects.toMatchObject({ code: 401 })
    await again.signIn((await session({ scopes: ['orders:read'] })).token)
    const order = await placeOrder(f.customerId)
    await expect.poll(() => again.heard.map((o) => o.id), { timeout: 60_000 }).toContain(order.id)
    again.socket.disconnect()
  })

  it('an expired session is disconnected; signing in again with a renewed token on the same socket keeps it', async () => {
    const l = await listen(SHOP_A)
    const short = await session({ scopes: ['orders:read'], ttlSeconds: 30 })
    await l.signIn(short.token)
    const renewed = await session({ scopes: ['orders:read'] })
    const result = await l.signIn(renewed.token)
    expect(new Date(String(result.expiresAt)).getTime()).toBeGreaterThan(Date.now() + 60_000)
    const expiring = await listen(SHOP_A)
    await expiring.signIn(short.token)
    // the short session ends: its socket is cut off; the renewed socket stays
    await expect
      .poll(() => expiring.disconnects, { timeout: 120_000, interval: 1_000 })
      .toEqual(['io server disconnect'])
    expect(l.disconnects).toEqual([])
    const order = await placeOrder(f.customerId)
    await expect.poll(() => l.heard.map((o) => o.id), { timeout: 60_000 }).toContain(order.id)
    l.socket.disconnect()
  }, 400_000)
})
