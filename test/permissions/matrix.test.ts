import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect, type Body, type World, startWorld } from './fixture.js'

/**
 * Roles × entities × actions, over REST and over socket.io, with exact statuses. Every target
 * record belongs to partner A and to the sales rep `rep`, so it lies inside the row condition
 * of every role that has one; the statuses are those of the default rules.
 */

type Action = 'find' | 'get' | 'create' | 'patch' | 'remove'
const ACTIONS: Action[] = ['find', 'get', 'create', 'patch', 'remove']
const DENY = [403, 403, 403, 403, 403]
const READ = [200, 200, 403, 403, 403]
const ALL = [200, 200, 201, 200, 200]

const EXPECTED: Record<string, Record<string, number[]>> = {
  order: {
    admin: ALL,
    manager: ALL,
    rep: [200, 200, 201, 200, 403],
    warehouse: READ,
    finance: READ,
    agent: READ,
    auditor: READ,
    partnerAdminA: [200, 200, 201, 200, 403],
    partnerUserA: [200, 200, 201, 403, 403],
    nobody: DENY,
  },
  customer: {
    admin: ALL,
    manager: ALL,
    rep: [200, 200, 201, 200, 403],
    warehouse: READ,
    finance: [200, 200, 403, 200, 403],
    agent: READ,
    auditor: READ,
    partnerAdminA: [200, 200, 201, 200, 403],
    partnerUserA: READ,
    nobody: DENY,
  },
  product: {
    admin: ALL,
    manager: READ,
    rep: READ,
    warehouse: READ,
    finance: READ,
    agent: READ,
    auditor: READ,
    partnerAdminA: READ,
    partnerUserA: READ,
    nobody: DENY,
  },
  rule: {
    admin: ALL,
    manager: DENY,
    rep: DENY,
    warehouse: DENY,
    finance: DENY,
    agent: DENY,
    auditor: READ,
    partnerAdminA: DENY,
    partnerUserA: DENY,
    nobody: DENY,
  },
}

const PATHS: Record<string, string> = {
  order: 'api/orders',
  customer: 'api/customers',
  product: 'api/products',
  rule: 'api/rules',
}

let w: World
let seq = 0

beforeAll(async () => {
  w = await startWorld()
})
afterAll(async () => w?.p.close())

/** A record of `entity` inside every role's rows (partner A, owned by `rep`). */
async function target(entity: string): Promise<number> {
  const n = ++seq
  const { ids, users } = w
  const svc = w.p.app.service(PATHS[entity]!)
  const data: Record<string, Record<string, unknown>> = {
    order: {
      customerId: ids.customerA,
      warehouseId: ids.warehouse,
      partnerId: ids.partnerA,
      ownerId: users.rep!.id,
    },
    customer: { code: `T${n}`, name: `Target ${n}`, partnerId: ids.partnerA, ownerId: users.rep!.id },
    product: { sku: `T${n}`, name: `Target ${n}`, categoryId: ids.category, listPrice: '1.00' },
    rule: {
      definition: {
        name: `target-${n}`,
        effect: 'allow',
        entities: ['territory'],
        actions: ['get'],
        conditions: {
          all: [{ fact: 'user', path: '$.roles', operator: 'contains', value: 'nobody-has-this' }],
        },
      },
    },
  }
  return ((await svc.create(data[entity]!)) as { id: number }).id
}

function createData(entity: string, role: string): Record<string, unknown> {
  const n = ++seq
  const { ids, users } = w
  const own =
    role === 'rep'
      ? { ownerId: users.rep!.id }
      : role.startsWith('partner')
        ? { partnerId: ids.partnerA }
        : {}
  switch (entity) {
    case 'order':
      // a relation must point at a record the writer sees: the rep orders for their own customer
      return {
        customerId: role === 'rep' ? ids.customerRep : ids.customerA,
        warehouseId: ids.warehouse,
        ...own,
      }
    case 'customer':
      return { code: `N${n}`, name: `New ${n}`, ...own }
    case 'product':
      return { sku: `N${n}`, name: `New ${n}`, categoryId: ids.category, listPrice: '2.00' }
    default:
      return {
        name: `new-${n}`,
        effect: 'allow',
        entities: ['territory'],
        actions: ['get'],
        conditions: {
          all: [{ fact: 'user', path: '$.roles', operator: 'contains', value: 'nobody-has-this' }],
        },
      }
  }
}

function patchData(entity: string, role: string): Record<string, unknown> {
  if (entity === 'customer' && role === 'finance') return { creditLimit: '10.00' }
  if (entity === 'order') return { notes: 'patched' }
  if (entity === 'rule') return { enabled: true }
  return { name: 'patched' }
}

type Call = (action: Action, entity: string, role: string) => Promise<{ status: number; body: Body }>

async function run(call: Call): Promise<string[]> {
  const mismatches: string[] = []
  for (const [entity, byRole] of Object.entries(EXPECTED)) {
    for (const [role, statuses] of Object.entries(byRole)) {
      for (const [i, action] of ACTIONS.entries()) {
        const r = await call(action, entity, role)
        if (r.status !== statuses[i])
          mismatches.push(
            `${role} ${action} ${entity}: ${r.status} (expected ${statuses[i]}) ${r.status >= 400 ? String(r.body?.message) : ''}`,
          )
        if (r.status === 403 && !String(r.body?.message).includes(`${action} ${entity}`)) {
          mismatches.push(
            `${role} ${action} ${entity}: 403 message does not name action and entity: ${String(r.body?.message)}`,
          )
        }
      }
    }
  }
  return mismatches
}

describe('permission matrix', () => {
  it('over REST', async () => {
    const mismatches = await run(async (action, entity, role) => {
      const token = w.users[role]!.token
      const base = `/${PATHS[entity]}`
      switch (action) {
        case 'find':
          return w.p.http('GET', base, undefined, token)
        case 'get':
          return w.p.http('GET', `${base}/${await target(entity)}`, undefined, token)
        case 'create':
          return w.p.http('POST', base, createData(entity, role), token)
        case 'patch':
          return w.p.http('PATCH', `${base}/${await target(entity)}`, patchData(entity, role), token)
        case 'remove':
          return w.p.http('DELETE', `${base}/${await target(entity)}`, undefined, token)
      }
    })
    expect(mismatches).toEqual([])
  })

  it('over socket.io', async () => {
    const sockets = new Map<string, Awaited<ReturnType<typeof connect>>>()
    try {
      for (const role of Object.keys(EXPECTED.order!))
        sockets.set(role, await connect(w.p, w.users[role]!.email))
      const mismatches = await run(async (action, entity, role) => {
        const { call } = sockets.get(role)!
        const path = PATHS[entity]!
        switch (action) {
          case 'find':
            return call('find', path, {})
          case 'get':
            return call('get', path, await target(entity), {})
          case 'create':
            return call('create', path, createData(entity, role), {})
          case 'patch':
            return call('patch', path, await target(entity), patchData(entity, role), {})
          case 'remove':
            return call('remove', path, await target(entity), {})
        }
      })
      expect(mismatches).toEqual([])
    } finally {
      for (const s of sockets.values()) s.socket.close()
    }
  })

  it('out-of-row records answer 404 for get/patch/remove, like missing ones', async () => {
    const other = w.ids.orderOther // owned by rep2, no partner
    for (const role of ['rep', 'partnerAdminA']) {
      const t = w.users[role]!.token
      expect((await w.p.http('GET', `/api/orders/${other}`, undefined, t)).status).toBe(404)
      expect((await w.p.http('PATCH', `/api/orders/${other}`, { notes: 'x' }, t)).status).toBe(404)
    }
    expect((await w.p.http('DELETE', `/api/activities/999999`, undefined, w.users.rep!.token)).status).toBe(
      404,
    )
  })

  it('users may read themselves only', async () => {
    const t = w.users.partnerUserA!.token
    const list = await w.p.http('GET', '/api/users', undefined, t)
    expect(list.body.data.map((u: { id: number }) => u.id)).toEqual([w.users.partnerUserA!.id])
    expect(list.body.data[0]).not.toHaveProperty('password')
    expect((await w.p.http('GET', `/api/users/${w.users.admin!.id}`, undefined, t)).status).toBe(404)
    expect(
      (await w.p.http('PATCH', `/api/users/${w.users.partnerUserA!.id}`, { roles: ['admin'] }, t)).status,
    ).toBe(403)
  })
})
