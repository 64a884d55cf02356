import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { collect, connect, sleep, startWorld, type Row, type World } from './fixture.js'

let w: World
let ua: string
let ub: string
let pa: string
const api = (token: string, method: string, path: string, body?: unknown) =>
  w.p.http(method, path, body, token)

beforeAll(async () => {
  w = await startWorld()
  ua = w.users.partnerUserA!.token
  ub = w.users.partnerUserB!.token
  pa = w.users.partnerAdminA!.token
})
afterAll(async () => w?.p.close())

describe('partner A cannot reach partner B’s orders', () => {
  it('sees only its own orders in a list, with the right total', async () => {
    const r = await api(ua, 'GET', '/api/orders')
    expect(r.status).toBe(200)
    expect(r.body.total).toBe(1)
    expect(r.body.data.map((o: Row) => o.id)).toEqual([w.ids.orderA])
  })

  it('gets 404 for B’s order — exactly as for a missing one', async () => {
    const other = await api(ua, 'GET', `/api/orders/${w.ids.orderB}`)
    const missing = await api(ua, 'GET', '/api/orders/999999')
    expect(other.status).toBe(404)
    expect(missing.status).toBe(404)
    expect(other.body.message.replace(String(w.ids.orderB), 'N')).toBe(
      missing.body.message.replace('999999', 'N'),
    )
    expect((await api(ua, 'GET', `/api/orders/${w.ids.orderA}`)).status).toBe(200)
  })

  it('finds nothing of B through filters: partnerId=B, $in, $or, $ne, $select', async () => {
    const B = w.ids.partnerB
    for (const q of [
      `partnerId=${B}`,
      `partnerId[$in]=${B},${w.ids.partnerA}&partnerId[$ne]=${w.ids.partnerA}`,
      `id[$in]=${w.ids.orderB}`,
      `$or[0][partnerId]=${B}&$or[1][id]=${w.ids.orderB}`,
      `$or[0][partnerId][$ne]=${w.ids.partnerA}`,
      `$select[]=id&$select[]=partnerId&partnerId=${B}`,
    ]) {
      const r = await api(ua, 'GET', `/api/orders?${q}`)
      expect(r.status, q).toBe(200)
      expect(r.body.total, q).toBe(0)
      expect(r.body.data, q).toEqual([])
    }
    const all = await api(ua, 'GET', `/api/orders?$select[]=id&$select[]=partnerId`)
    expect(all.body.data).toEqual([{ id: w.ids.orderA, partnerId: w.ids.partnerA }])
  })

  it('cannot patch, update or remove B’s order (404) and B’s order is untouched', async () => {
    expect((await api(pa, 'PATCH', `/api/orders/${w.ids.orderB}`, { notes: 'hacked' })).status).toBe(404)
    expect(
      (
        await api(pa, 'PUT', `/api/orders/${w.ids.orderB}`, {
          customerId: w.ids.customerA,
          warehouseId: w.ids.warehouse,
          partnerId: w.ids.partnerA,
        })
      ).status,
    ).toBe(404)
    expect((await api(pa, 'DELETE', `/api/orders/${w.ids.orderB}`)).status).toBe(403) // partner admins may not delete at all
    const b = (await w.p.app.service('api/orders').get(w.ids.orderB)) as Row
    expect(b.notes).toBe('n')
  })

  it('refuses writing ownership fields of another partner (403 naming the field)', async () => {
    const create = await api(ua, 'POST', '/api/orders', {
      customerId: w.ids.customerB,
      warehouseId: w.ids.warehouse,
      partnerId: w.ids.partnerB,
    })
    expect(create.status).toBe(403)
    expect(create.body.message).toMatch(/partnerId/)
    expect(create.body.errors).toEqual([{ path: '/partnerId', message: expect.any(String) }])
    const nullPartner = await api(ua, 'POST', '/api/orders', {
      customerId: w.ids.customerA,
      warehouseId: w.ids.warehouse,
      partnerId: null,
    })
    expect(nullPartner.status).toBe(403)
    expect(nullPartner.body.errors).toEqual([{ path: '/partnerId', message: expect.any(String) }])
    const own = await api(ua, 'POST', '/api/orders', {
      customerId: w.ids.customerA,
      warehouseId: w.ids.warehouse,
      partnerId: w.ids.partnerA,
    })
    expect(own.status).toBe(201)
    const move = await api(pa, 'PATCH', `/api/orders/${own.body.id}`, { partnerId: w.ids.partnerB })
    expect(move.status).toBe(403)
    expect(move.body.message).toMatch(/partnerId/)
    const after = (await w.p.app.service('api/orders').get(own.body.id)) as Row
    expect(after.partnerId).toBe(w.ids.partnerA)
    expect((await api(pa, 'PATCH', `/api/orders/${own.body.id}`, { notes: 'fine' })).status).toBe(200)
  })

  it('fills the caller’s partner into a create that leaves partnerId out (orders and customers)', async () => {
    const order = await api(ua, 'POST', '/api/orders', {
      customerId: w.ids.customerA,
      warehouseId: w.ids.warehouse,
    })
    expect(order.status).toBe(201)
    expect(order.body.partnerId).toBe(w.ids.partnerA)
    expect(((await w.p.app.service('api/orders').get(order.body.id)) as Row).partnerId).toBe(w.ids.partnerA)
    expect((await api(ua, 'GET', `/api/orders/${order.body.id}`)).status).toBe(200)
    expect((await api(ub, 'GET', `/api/orders/${order.body.id}`)).status).toBe(404)
    const customer = await api(pa, 'POST', '/api/customers', { code: 'FILLED-A', name: 'Filled A' })
    expect(customer.status).toBe(201)
    expect(customer.body.partnerId).toBe(w.ids.partnerA)
    // later tests count partner A's customers and orders
    await w.p.db.knex('customers').where('id', customer.body.id).delete()
    await w.p.db.knex('orders').where('id', order.body.id).delete()
  })

  it('refuses a read-only field write with 403 naming the field', async () => {
    const r = await api(pa, 'PATCH', `/api/orders/${w.ids.orderA}`, { ownerId: w.users.rep!.id })
    expect(r.status).toBe(403)
    expect(r.body.message).toMatch(/ownerId/)
    expect(r.body.errors).toEqual([{ path: '/ownerId', message: 'is read-only for you' }])
    const c = await api(pa, 'PATCH', `/api/customers/${w.ids.customerA}`, { creditLimit: '999999.00' })
    expect(c.status).toBe(403)
    expect(c.body.message).toMatch(/creditLimit/)
  })

  it('sees only its own customers, price lists and partner record', async () => {
    const c = await api(ua, 'GET', '/api/customers')
    expect(c.body.data.map((x: Row) => x.id)).toEqual([w.ids.customerA])
    const pl = await api(ua, 'GET', '/api/price-lists')
    expect(pl.body.data.map((x: Row) => x.partnerId)).toEqual([w.ids.partnerA])
    const partners = await api(ua, 'GET', '/api/partners')
    expect(partners.body.total).toBe(1)
    expect(partners.body.data[0].id).toBe(w.ids.partnerA)
    expect(partners.body.data[0]).not.toHaveProperty('creditLimit')
    expect((await api(ua, 'GET', `/api/partners/${w.ids.partnerB}`)).status).toBe(404)
  })

  it('a partner user without a partner is denied (missing fact)', async () => {
    const t = w.users.partnerNoPartner!.token
    const r = await api(t, 'GET', '/api/orders')
    expect(r.status).toBe(403)
    expect(r.body.message).toMatch(/find order/)
  })
})

describe('hidden fields give no oracle', () => {
  it('product cost is hidden from partner users and refused in filters, sort and $select (400)', async () => {
    const r = await api(ua, 'GET', `/api/products/${w.ids.product}`)
    expect(r.status).toBe(200)
    expect(r.body).not.toHaveProperty('cost')
    expect(r.body.listPrice).toBe('99.00')
    for (const q of [
      'cost=40.00',
      'cost[$gt]=10',
      'cost[$lt]=1000',
      '$sort[cost]=1',
      '$select[]=cost',
      '$or[0][cost]=40.00',
      'cost[$in]=40.00',
    ]) {
      const res = await api(ua, 'GET', `/api/products?${q}`)
      expect(res.status, q).toBe(400)
      // the same answer as for a field that does not exist
      expect(res.body.message, q).toMatch(/is not a known field/)
    }
    const bogus = await api(ua, 'GET', '/api/products?bogus=1')
    expect(bogus.body.message).toMatch(/is not a known field/)
  })

  it('$like on a hidden text field is refused too; partner admins see cost', async () => {
    const res = await api(ua, 'GET', '/api/partners?creditLimit[$gt]=0')
    expect(res.status).toBe(400)
    const like = await api(ua, 'GET', '/api/stock-levels?reorderPoint[$gt]=1')
    expect(like.status).toBe(400)
    const admin = await api(pa, 'GET', `/api/products/${w.ids.product}`)
    expect(admin.body.cost).toBe('40.00')
  })

  it('stock availability shows quantities but not replenishment settings', async () => {
    const r = await api(ua, 'GET', '/api/stock-levels')
    expect(r.body.total).toBe(1)
    expect(r.body.data[0]).toMatchObject({ onHand: 10, reserved: 2 })
    expect(r.body.data[0]).not.toHaveProperty('reorderPoint')
  })

  it('writing a hidden field is refused (403)', async () => {
    const r = await api(w.users.rep!.token, 'PATCH', `/api/customers/${w.ids.customerRep}`, {
      creditLimit: '1.00',
    })
    expect(r.status).toBe(403)
  })
})

describe('realtime events respect the same rules', () => {
  it('partner A receives its own order events and never partner B’s', async () => {
    const a = await connect(w.p, w.users.partnerUserA!.email)
    const b = await connect(w.p, w.users.partnerUserB!.email)
    const adm = await connect(w.p, w.users.admin!.email)
    const seenA = collect(a.socket, 'api/orders patched')
    const seenB = collect(b.socket, 'api/orders patched')
    const seenAdmin = collect(adm.socket, 'api/orders patched')
    const productsA = collect(a.socket, 'api/products patched')
    try {
      await w.p.app.service('api/orders').patch(w.ids.orderB, { notes: 'b-event' })
      await w.p.app.service('api/orders').patch(w.ids.orderA, { notes: 'a-event' })
      await w.p.app.service('api/products').patch(w.ids.product, { name: 'Drill 2' })
      await sleep(300)
      expect(seenA.map((o) => o.id)).toEqual([w.ids.orderA])
      expect(seenB.map((o) => o.id)).toEqual([w.ids.orderB])
      expect(seenAdmin.map((o) => o.id).sort()).toEqual([w.ids.orderA, w.ids.orderB].sort())
      expect(productsA).toHaveLength(1)
      expect(productsA[0]).not.toHaveProperty('cost')
      // and over the socket, the same 404 as REST
      expect((await a.call('get', 'api/orders', w.ids.orderB)).status).toBe(404)
      const found = await a.call('find', 'api/orders', { partnerId: w.ids.partnerB })
      expect(found.body.total).toBe(0)
    } finally {
      a.socket.close()
      b.socket.close()
      adm.socket.close()
    }
  })
})
