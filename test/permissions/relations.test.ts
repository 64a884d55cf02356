import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWorld, type Row, type World } from './fixture.js'

/**
 * #13.20: a relation (`x-ref` field) written by create, patch or update must point at a record
 * the writer may see (the referenced entity's row scope): else 403 naming the field, and nothing
 * changes. Over HTTP, as a partner admin and as a sales rep.
 */
let w: World
let pa: string
let rep: string
let admin: string
let customerA2: number
const api = (token: string, method: string, path: string, body?: unknown) =>
  w.p.http(method, path, body, token)
const order = async (id: number) => (await w.p.app.service('api/orders').get(id)) as Row

beforeAll(async () => {
  w = await startWorld()
  pa = w.users.partnerAdminA!.token
  rep = w.users.rep!.token
  admin = w.users.admin!.token
  customerA2 = (
    (await w.p.app
      .service('api/customers')
      .create({ code: 'CA2', name: 'Second customer of A', partnerId: w.ids.partnerA })) as Row
  ).id
})
afterAll(async () => w?.p.close())

describe('a partner admin cannot point an order at another partner’s customer', () => {
  it('PATCH customerId to B’s customer: 403 naming customerId, the order unchanged', async () => {
    const r = await api(pa, 'PATCH', `/api/orders/${w.ids.orderA}`, { customerId: w.ids.customerB })
    expect(r.status).toBe(403)
    expect(r.body.message).toMatch(/customerId/)
    expect(r.body.errors).toEqual([{ path: '/customerId', message: 'must refer to a customer you may see' }])
    expect((await order(w.ids.orderA)).customerId).toBe(w.ids.customerA)
  })

  it('answers a customer that does not exist exactly as one it may not see (no oracle)', async () => {
    const other = await api(pa, 'PATCH', `/api/orders/${w.ids.orderA}`, { customerId: w.ids.customerB })
    const missing = await api(pa, 'PATCH', `/api/orders/${w.ids.orderA}`, { customerId: 987654 })
    expect(missing.status).toBe(other.status)
    expect(missing.body).toEqual(other.body)
  })

  it('PUT with B’s customer: 403, unchanged; PUT and PATCH to its own customers work', async () => {
    const base = { warehouseId: w.ids.warehouse, partnerId: w.ids.partnerA, notes: 'n' }
    const bad = await api(pa, 'PUT', `/api/orders/${w.ids.orderA}`, { ...base, customerId: w.ids.customerB })
    expect(bad.status).toBe(403)
    expect(bad.body.errors).toEqual([
      { path: '/customerId', message: 'must refer to a customer you may see' },
    ])
    expect((await order(w.ids.orderA)).customerId).toBe(w.ids.customerA)

    const put = await api(pa, 'PUT', `/api/orders/${w.ids.orderA}`, { ...base, customerId: customerA2 })
    expect(put.status).toBe(200)
    expect(put.body.customerId).toBe(customerA2)
    const patch = await api(pa, 'PATCH', `/api/orders/${w.ids.orderA}`, { customerId: w.ids.customerA })
    expect(patch.status).toBe(200)
    expect((await order(w.ids.orderA)).customerId).toBe(w.ids.customerA)
  })

  it('a patch that leaves a relation as it is passes (only what changes is checked)', async () => {
    const r = await api(pa, 'PATCH', `/api/orders/${w.ids.orderA}`, {
      customerId: w.ids.customerA,
      notes: 'same customer',
    })
    expect(r.status).toBe(200)
  })

  it('an admin, who sees every customer, may move the order', async () => {
    const id = (
      (await w.p.app.service('api/orders').create({
        customerId: w.ids.customerA,
        warehouseId: w.ids.warehouse,
        partnerId: w.ids.partnerA,
      })) as Row
    ).id
    const r = await api(admin, 'PATCH', `/api/orders/${id}`, { customerId: customerA2 })
    expect(r.status).toBe(200)
    expect(r.body.customerId).toBe(customerA2)
  })
})

describe('the same check on other entities and other scopes (a sales rep sees their own customers)', () => {
  it('an activity cannot be created for, or moved to, another rep’s customer', async () => {
    const data = {
      customerId: w.ids.customerRep,
      userId: w.users.rep!.id,
      kind: 'call',
      subject: 'Hello',
      occurredAt: '2026-01-05T10:00:00.000Z',
    }
    const created = await api(rep, 'POST', '/api/activities', data)
    expect(created.status).toBe(201)
    const across = await api(rep, 'POST', '/api/activities', { ...data, customerId: w.ids.customerOther })
    expect(across.status).toBe(403)
    expect(across.body.errors).toEqual([
      { path: '/customerId', message: 'must refer to a customer you may see' },
    ])

    const moved = await api(rep, 'PATCH', `/api/activities/${created.body.id}`, {
      customerId: w.ids.customerOther,
    })
    expect(moved.status).toBe(403)
    expect(moved.body.errors).toEqual([
      { path: '/customerId', message: 'must refer to a customer you may see' },
    ])
    const put = await api(rep, 'PUT', `/api/activities/${created.body.id}`, {
      ...data,
      customerId: w.ids.customerOther,
    })
    expect(put.status).toBe(403)
    const after = (await w.p.app.service('api/activities').get(created.body.id)) as Row
    expect(after.customerId).toBe(w.ids.customerRep)
  })

  it('references to users are not held to the private user directory: a manager assigns a rep', async () => {
    const r = await api(w.users.manager!.token, 'POST', '/api/customers', {
      code: 'MGR-1',
      name: 'Assigned by a manager',
      ownerId: w.users.rep!.id,
    })
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    expect(r.body.ownerId).toBe(w.users.rep!.id)
  })

  it('a rep’s own order cannot be moved to another rep’s customer', async () => {
    const r = await api(rep, 'PATCH', `/api/orders/${w.ids.orderRep}`, { customerId: w.ids.customerOther })
    expect(r.status).toBe(403)
    expect(r.body.errors).toEqual([{ path: '/customerId', message: 'must refer to a customer you may see' }])
    expect((await order(w.ids.orderRep)).customerId).toBe(w.ids.customerRep)
  })
})
