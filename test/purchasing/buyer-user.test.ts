import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'

/** An administrator creates a buyer (`purchaser`) over the API, as for any other staff role. */
let p: TestPlatform
beforeAll(async () => {
  p = await startTestPlatform()
})
afterAll(() => p?.close())

describe('the purchaser role', () => {
  it('is accepted by POST /api/users, and the buyer reads purchase orders', async () => {
    const token = await p.login()
    const email = 'buyer@api.test'
    const password = 'Buyer-Secret-123'
    const r = await p.http(
      'POST',
      '/api/users',
      { email, name: 'Buyer', password, roles: ['purchaser'] },
      token,
    )
    expect(r.status).toBe(201)
    expect(r.body.roles).toEqual(['purchaser'])
    const buyer = await p.login(email, password)
    expect((await p.http('GET', '/api/purchase-orders', undefined, buyer)).status).toBe(200)
    // an unknown role is still refused, naming the field
    const bad = await p.http(
      'POST',
      '/api/users',
      { email: 'x@api.test', name: 'X', password, roles: ['buyer'] },
      token,
    )
    expect(bad.status).toBe(400)
    expect(JSON.stringify(bad.body)).toContain('/roles/0')
  })
})
