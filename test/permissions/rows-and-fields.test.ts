import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { matchesRow, parseRow, toScope } from '@plume/core/internal'
import { collect, connect, sleep, startWorld, type Row, type World } from './fixture.js'

let w: World
beforeAll(async () => {
  w = await startWorld()
  const svc = w.p.app.service('api/customers')
  const names = ['Acme', 'acme_%', 'Beta', 'Ω corp', 'zeta']
  for (const [i, name] of names.entries()) {
    await svc.create({
      code: `M${i}`,
      name,
      partnerId: i % 3 === 0 ? null : i % 3 === 1 ? w.ids.partnerA : w.ids.partnerB,
      creditLimit: `${i * 250}.50`,
      paymentTermsDays: i * 15,
      status: i === 4 ? 'blocked' : 'active',
    })
  }
})
afterAll(async () => w?.p.close())

describe('the in-memory row matcher selects exactly what SQL selects', () => {
  it('on every operator, with NULLs, money, dates, LIKE patterns and $or', async () => {
    const customer = w.p.entities.get('customer')!
    const rows = (await w.p.app.service('api/customers').find({ paginate: false })) as Row[]
    const A = w.ids.partnerA
    const queries: Array<Record<string, unknown>> = [
      { partnerId: A },
      { partnerId: null },
      { partnerId: { $ne: A } },
      { partnerId: { $ne: null } },
      { partnerId: { $in: [A, w.ids.partnerB] } },
      { partnerId: { $nin: [A] } },
      { creditLimit: { $gt: '250.50' } },
      { creditLimit: { $lte: '500.5' } },
      { paymentTermsDays: { $gte: 30, $lt: 60 } },
      { name: { $like: 'acme%' } },
      { name: { $ilike: 'acme%' } },
      { name: { $like: 'acme\\_\\%' } },
      { name: { $notlike: '%eta' } },
      { name: { $like: '_ corp' } },
      { createdAt: { $gt: '2000-01-01T00:00:00Z' } },
      { $or: [{ partnerId: A }, { status: 'blocked' }] },
      { status: 'active', $or: [{ partnerId: null }, { creditLimit: { $gt: '900' } }] },
      { ownerId: w.users.rep!.id },
    ]
    for (const q of queries) {
      const filter = parseRow(customer, q)
      const sql = (await w.p.db
        .knex('customers')
        .where(toScope([filter]))
        .orderBy('id')
        .pluck('id')) as number[]
      const mem = rows.filter((r) => matchesRow(customer, r, filter)).map((r) => r.id)
      expect(mem, JSON.stringify(q)).toEqual(sql)
    }
  })
})

describe('several grants: a field is visible only where a grant covering the record also covers the field', () => {
  it('cost shows on the products a second grant covers, is stripped elsewhere, and cannot be filtered on', async () => {
    const c2 = (await w.p.app
      .service('api/product-categories')
      .create({ code: 'C2', name: 'Spare parts' })) as Row
    const spare = (await w.p.app
      .service('api/products')
      .create({ sku: 'S-1', name: 'Spare', categoryId: c2.id, listPrice: '5.00', cost: '2.00' })) as Row
    const admin = w.users.admin!.token
    const rule = await w.p.http(
      'POST',
      '/api/rules',
      {
        name: 'partner-spare-part-cost',
        effect: 'allow',
        entities: ['product'],
        actions: ['find', 'get'],
        conditions: { all: [{ fact: 'user', path: '$.roles', operator: 'contains', value: 'partner_user' }] },
        row: { categoryId: c2.id },
      },
      admin,
    )
    expect(rule.status).toBe(201)
    const t = w.users.partnerUserA!.token
    const list = await w.p.http('GET', '/api/products?$sort[id]=1', undefined, t)
    expect(list.body.total).toBe(2)
    const byId = new Map<number, Row>(list.body.data.map((p: Row) => [p.id, p]))
    expect(byId.get(w.ids.product)).not.toHaveProperty('cost')
    expect(byId.get(spare.id)!.cost).toBe('2.00')
    expect((await w.p.http('GET', `/api/products/${spare.id}`, undefined, t)).body.cost).toBe('2.00')
    expect((await w.p.http('GET', `/api/products/${w.ids.product}`, undefined, t)).body).not.toHaveProperty(
      'cost',
    )
    // filtering or sorting on it would reveal it on the other products: refused like an unknown field
    for (const q of ['cost[$gt]=1', '$sort[cost]=1', 'cost=40.00']) {
      expect((await w.p.http('GET', `/api/products?${q}`, undefined, t)).status, q).toBe(400)
    }
    // $select without the columns the check needs: the field is dropped (fail closed)
    const sel = await w.p.http('GET', '/api/products?$select[]=cost', undefined, t)
    expect(sel.body.data.every((p: Row) => !('cost' in p))).toBe(true)
    const explain = await w.p.http(
      'GET',
      `/api/permissions/explain?userId=${w.users.partnerUserA!.id}&action=get&entity=product`,
      undefined,
      admin,
    )
    expect(explain.body).toMatchObject({
      hidden: [],
      hiddenUnless: { cost: [{ categoryId: c2.id }] },
      rowCondition: null,
    })

    const s = await connect(w.p, w.users.partnerUserA!.email)
    try {
      const seen = collect(s.socket, 'api/products patched')
      await w.p.app.service('api/products').patch(spare.id, { name: 'Spare 2' })
      await w.p.app.service('api/products').patch(w.ids.product, { name: 'Drill 3' })
      await sleep(300)
      expect(seen.map((p) => [p.id, p.cost])).toEqual([
        [spare.id, '2.00'],
        [w.ids.product, undefined],
      ])
    } finally {
      s.socket.close()
    }
  })

  it('read-only in one grant but writable in another: writable on that grant’s rows only', async () => {
    const admin = w.users.admin!.token
    // reps may also set the credit limit of small customers (paymentTermsDays < 30)
    const rule = await w.p.http(
      'POST',
      '/api/rules',
      {
        name: 'rep-credit-small-customers',
        effect: 'allow',
        entities: ['customer'],
        actions: ['patch'],
        conditions: { all: [{ fact: 'user', path: '$.roles', operator: 'contains', value: 'sales_rep' }] },
        row: { ownerId: { $fact: 'user.id' }, paymentTermsDays: { $lt: 30 } },
      },
      admin,
    )
    expect(rule.status).toBe(201)
    const t = w.users.rep!.token
    const small = (await w.p.app
      .service('api/customers')
      .create({ code: 'SM', name: 'Small', ownerId: w.users.rep!.id, paymentTermsDays: 0 })) as Row
    const big = (await w.p.app
      .service('api/customers')
      .create({ code: 'BG', name: 'Big', ownerId: w.users.rep!.id, paymentTermsDays: 60 })) as Row
    expect((await w.p.http('PATCH', `/api/customers/${small.id}`, { creditLimit: '100.00' }, t)).status).toBe(
      200,
    )
    const refused = await w.p.http('PATCH', `/api/customers/${big.id}`, { creditLimit: '100.00' }, t)
    expect(refused.status).toBe(403)
    expect(refused.body.message).toMatch(/creditLimit/)
    expect((await w.p.http('PATCH', `/api/customers/${big.id}`, { name: 'Big 2' }, t)).status).toBe(200)
  })
})
