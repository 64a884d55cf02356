/**
 * Order tracking by a signed link: a partner signs a link for one of its orders; opening it
 * shows that order's state and shipment, nothing else, with no login; tampered or expired links
 * are 403; another partner's order cannot be signed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { signTrackingToken } from '../../core/src/embed/tracking.js'
import { embedCaller, embedFixture, mintSession, SHOP_A, type EmbedFixture } from './fixture.js'

let p: TestPlatform
let f: EmbedFixture
let orderId: number
let number: string

beforeAll(async () => {
  p = await startTestPlatform()
  f = await embedFixture(p, 'TRK')
  orderId = f.sibling.orderId
  await p.db
    .knex('orders')
    .where({ id: orderId })
    .update({
      carrier: 'SF Express',
      trackingNumber: 'SF1234567890',
      shippedAt: new Date('2026-12-01T08:00:00Z'),
    })
  number = ((await p.db.knex('orders').where({ id: orderId }).first('number')) as { number: string }).number
}, 1_800_000)
afterAll(async () => p?.close())

const sign = (body: unknown, auth: Record<string, string>) =>
  p.http('POST', '/api/order-tracking-links', body, undefined, auth)
const open = (token: unknown) => p.http('POST', '/api/order-tracking', { token })

describe('order tracking links', () => {
  it("a partner's secret key signs a link; opening it without login shows the order's state and shipment only", async () => {
    const r = await sign({ orderId }, { 'x-api-key': f.skA })
    expect(r.status).toBe(201)
    expect(r.body.orderId).toBe(orderId)
    expect(new Date(r.body.expiresAt).getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000)
    const view = await open(r.body.token)
    expect(view.status).toBe(201)
    expect(Object.keys(view.body).sort()).toEqual([
      'events',
      'expiresAt',
      'number',
      'orderDate',
      'shipments',
      'status',
    ])
    expect(view.body).toMatchObject({ number, status: 'draft' })
    expect(view.body.shipments).toEqual([
      {
        carrier: 'SF Express',
        trackingNumber: 'SF1234567890',
        shippedAt: '2026-12-01T08:00:00.000Z',
        deliveredAt: null,
      },
    ])
    // nothing else: no customer, prices, lines or partner
    const text = JSON.stringify(view.body)
    for (const hidden of ['customerId', 'partnerId', 'total', 'lines', 'notes', 'shippingAddress'])
      expect(text).not.toContain(hidden)
  })

  it('tampered, forged, malformed and expired links are 403; a missing one is 400', async () => {
    const { token } = (await sign({ orderId }, { 'x-api-key': f.skA })).body as { token: string }
    const [payload, sig] = token.split('.') as [string, string]
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>
    const otherPayload = Buffer.from(JSON.stringify({ ...claims, o: f.other.orderId })).toString('base64url')
    const longer = Buffer.from(JSON.stringify({ ...claims, e: Number(claims.e) + 86_400 })).toString(
      'base64url',
    )
    const flipped = `${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`
    for (const bad of [
      `${otherPayload}.${sig}`,
      `${longer}.${sig}`,
      `${payload}.${flipped}`,
      'nonsense',
      `${payload}.`,
    ])
      expect((await open(bad)).status, bad).toBe(403)
    const expired = signTrackingToken(p.app, {
      v: 1,
      o: orderId,
      p: f.partnerId,
      e: Math.floor(Date.now() / 1000) - 1,
    })
    const refused = await open(expired)
    expect(refused.status).toBe(403)
    expect(JSON.stringify(refused.body)).not.toContain(number)
    const missing = await open(undefined)
    expect(missing.status).toBe(400)
    expect(missing.body.errors[0].path).toBe('/token')
    // the view is POST only: a token in a URL is not read
    expect((await p.http('GET', `/api/order-tracking?token=${token}`)).status).toBe(405)
  })

  it("cannot sign another partner's order; embed keys and sessions cannot sign; bad input is 400", async () => {
    expect([403, 404]).toContain((await sign({ orderId: f.other.orderId }, { 'x-api-key': f.skA })).status)
    const call = embedCaller(p, SHOP_A)
    expect((await call('POST', '/api/order-tracking-links', { pk: f.pkA }, { orderId })).status).toBe(403)
    const session = (await mintSession(p, f.skA, { scopes: ['orders:read'] })).body.token as string
    expect((await call('POST', '/api/order-tracking-links', { session }, { orderId })).status).toBe(403)
    expect((await p.http('POST', '/api/order-tracking-links', { orderId })).status).toBe(401)
    const short = await sign({ orderId, ttlSeconds: 59 }, { 'x-api-key': f.skA })
    expect(short.status).toBe(400)
    expect(short.body.errors[0].path).toBe('/ttlSeconds')
    expect((await sign({ orderId: 'x' }, { 'x-api-key': f.skA })).body.errors[0].path).toBe('/orderId')
    // an admin may sign any order
    const admin = await p.login()
    expect(
      (await p.http('POST', '/api/order-tracking-links', { orderId: f.other.orderId }, admin)).status,
    ).toBe(201)
  })
})
