import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { client, created, loopFixture, type Api, type LoopFixture } from './fixtures.js'

/**
 * #13.20 with the orders plugin mounted: a partner admin cannot move their order to another
 * partner's customer by PATCH or PUT (403 naming customerId, the order unchanged, nothing counts
 * for that customer); moving it to one of their own customers works and re-prices it.
 */
let p: TestPlatform
let a: LoopFixture
let b: LoopFixture
let admin: Api
let partnerAdmin: Api
let ownSecond: number

beforeAll(async () => {
  p = await startTestPlatform()
  a = await loopFixture(p, 'RA')
  b = await loopFixture(p, 'RB')
  admin = client(p, a.token)
  ownSecond = await created(admin, '/api/customers', {
    code: 'c-ra-2',
    name: 'Second customer of A',
    partnerId: a.partnerId,
  })
  await created(admin, '/api/users', {
    email: 'padmin-ra@partner.test',
    name: 'Partner admin',
    password: 'Partner-Admin-123',
    roles: ['partner_admin'],
    partnerId: a.partnerId,
    locale: 'en',
  })
  partnerAdmin = client(p, await p.login('padmin-ra@partner.test', 'Partner-Admin-123'))
})
afterAll(async () => p?.close())

describe('order relations stay inside the partner', () => {
  it('PATCH and PUT to another partner’s customer: 403 naming customerId, the order unchanged', async () => {
    const order = await partnerAdmin('POST', '/api/orders', {
      customerId: a.customerId,
      warehouseId: a.warehouseId,
      lines: [{ productId: a.products.widget, quantity: 2 }],
    })
    expect(order.status, JSON.stringify(order.body)).toBe(201)
    const id = order.body.id as number

    const patch = await partnerAdmin('PATCH', `/api/orders/${id}`, { customerId: b.customerId })
    expect(patch.status).toBe(403)
    expect(patch.body.errors).toEqual([
      { path: '/customerId', message: 'must refer to a customer you may see' },
    ])
    const put = await partnerAdmin('PUT', `/api/orders/${id}`, {
      customerId: b.customerId,
      warehouseId: a.warehouseId,
      partnerId: a.partnerId,
    })
    expect(put.status).toBe(403)
    expect(put.body.errors).toEqual([
      { path: '/customerId', message: 'must refer to a customer you may see' },
    ])

    const after = (await p.app.service('api/orders').get(id)) as {
      customerId: number
      total: string
      status: string
    }
    expect(after).toMatchObject({ customerId: a.customerId, total: order.body.total, status: 'draft' })
    expect(
      ((await admin('GET', `/api/orders?customerId=${b.customerId}`)).body as { total: number }).total,
    ).toBe(0)
  })

  it('moving the order to one of the partner’s own customers works', async () => {
    const order = await partnerAdmin('POST', '/api/orders', {
      customerId: a.customerId,
      warehouseId: a.warehouseId,
      lines: [{ productId: a.products.widget, quantity: 1 }],
    })
    const moved = await partnerAdmin('PATCH', `/api/orders/${order.body.id as number}`, {
      customerId: ownSecond,
    })
    expect(moved.status, JSON.stringify(moved.body)).toBe(200)
    expect(moved.body.customerId).toBe(ownSecond)
  })
})
