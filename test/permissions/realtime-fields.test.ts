import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EntityDefinition } from '@plume/metadata'
import { encryptedFields, userFact, type PermissionEngine } from '@plume/core/internal'
import { connect, startWorld, type Body, type Row, type World } from './fixture.js'

/**
 * Realtime events pass exactly the masking and hiding REST applies, per recipient: for every role
 * and every entity, the fields REST hides from that role (rule field lists, fields visible only
 * on some rows) or masks (`x-sensitive` encrypted fields without a reveal role) are derived from
 * the rules and the metadata, and the `patched` event a socket of that role receives must show
 * each of them exactly as a GET of the same record does.
 */

let w: World
const REVEAL = ['admin', 'finance', 'sales_manager', 'service_agent']

const api = async (token: string, method: string, path: string, body?: unknown) =>
  (await w.p.http(method, path, body, token)) as { status: number; body: Body }
const pick = (row: Record<string, unknown>, fields: readonly string[]) =>
  Object.fromEntries(fields.filter((f) => f in row).map((f) => [f, row[f]]))

/** The next `name` event about record `id` on a socket. */
const nextEvent = (socket: Awaited<ReturnType<typeof connect>>['socket'], name: string, id: number) =>
  new Promise<Row>((resolve) => {
    const on = (data: Row) => {
      if (data?.id !== id) return
      socket.off(name, on)
      resolve(data)
    }
    socket.on(name, on)
  })

beforeAll(async () => {
  w = await startWorld()
  const svc = (name: string) => w.p.app.service(`api/${name}`)
  // contact data on what the roles can see, so there is something to mask
  for (const [i, id] of [
    w.ids.customerA,
    w.ids.customerB,
    w.ids.customerRep,
    w.ids.customerOther,
  ].entries()) {
    await svc('customers').patch(id, { email: `buyer${i}@customer.test`, phone: `+86 21 5555 000${i}` })
    await svc('contacts').create({
      customerId: id,
      name: `Contact ${i}`,
      email: `contact${i}@customer.test`,
      phone: `+86 10 6666 000${i}`,
    })
  }
  for (const [i, id] of [w.ids.partnerA, w.ids.partnerB].entries())
    await svc('partners').patch(id, { email: `sales${i}@partner.test`, phone: `+86 755 7777 000${i}` })
})
afterAll(async () => w?.p.close())

describe('realtime events mask and hide what REST masks and hides, per recipient', () => {
  it('for every role and entity: each concealed field of the event equals the GET of the same record', async () => {
    const engine = w.p.app.get('permissionEngine') as PermissionEngine
    const entities = [...(w.p.app.get('entities') as Map<string, EntityDefinition>).values()]
    const covered: string[] = []
    for (const [key, u] of Object.entries(w.users)) {
      const fact = userFact(await w.p.app.service('api/users').get(u.id))
      if (!fact) continue
      const reveals = fact.roles.some((r) => REVEAL.includes(r))
      const { socket } = await connect(w.p, u.email)
      try {
        for (const entity of entities) {
          const d = engine.decide(entity.name, 'get', fact)
          if (!d.allowed) continue
          const concealed = [...d.hidden, ...d.guarded.keys(), ...(reveals ? [] : encryptedFields(entity))]
          if (concealed.length === 0) continue
          const list = await api(u.token, 'GET', `/api/${entity.plural}?$limit=1&$sort[id]=1`)
          const record = list.body.data?.[0]
          if (!record) continue
          const event = nextEvent(socket, `api/${entity.plural} patched`, record.id)
          // an internal write: its result (the event's data) is the clear, complete record
          await w.p.app.service(`api/${entity.plural}`).patch(record.id, {})
          const got = await event
          const rest = (await api(u.token, 'GET', `/api/${entity.plural}/${record.id}`)).body
          for (const f of concealed) expect(got[f], `${key} ${entity.name}.${f}`).toEqual(rest[f])
          expect(pick(got, entity.fieldOrder), `${key} ${entity.name}`).toEqual(pick(rest, entity.fieldOrder))
          covered.push(`${key}:${entity.name}`)
        }
      } finally {
        socket.close()
      }
    }
    // the concealed fields the issue names, and the rule-hidden ones, are among those checked
    expect(covered).toEqual(
      expect.arrayContaining([
        'partnerUserA:customer',
        'partnerUserA:partner',
        'partnerUserB:customer',
        'partnerAdminA:customer',
        'partnerUserA:product',
        'partnerUserA:stockLevel',
        'rep:customer',
        'auditor:contact',
      ]),
    )
  })

  it('the masked sensitive values really are masked for partners and staff without a reveal role, and clear for the others', async () => {
    const sockets = await Promise.all(
      ['partnerUserA', 'rep', 'admin', 'finance'].map((k) => connect(w.p, w.users[k]!.email)),
    )
    try {
      const [partnerSocket, , adminSocket, financeSocket] = sockets.map((s) => s.socket)
      const events = [partnerSocket!, adminSocket!, financeSocket!].map((socket) =>
        nextEvent(socket, 'api/customers patched', w.ids.customerA),
      )
      // written over REST by a sales manager, who sees the values: a partner user's socket must not
      const byManager = await api(w.users.manager!.token, 'PATCH', `/api/customers/${w.ids.customerA}`, {
        email: 'new@customer.test',
      })
      expect(byManager.status, JSON.stringify(byManager.body)).toBe(200)
      const [partner, admin, finance] = await Promise.all(events)
      expect(partner).toMatchObject({ id: w.ids.customerA, email: '***', phone: '***' })
      expect(admin).toMatchObject({ email: 'new@customer.test', phone: '+86 21 5555 0000' })
      expect(finance).toMatchObject({ email: 'new@customer.test' })

      // written by a sales rep, who gets `***` back: the admin's event still carries the values
      const repEvent = nextEvent(sockets[1]!.socket, 'api/customers patched', w.ids.customerRep)
      const adminEvent = nextEvent(adminSocket!, 'api/customers patched', w.ids.customerRep)
      const byRep = await api(w.users.rep!.token, 'PATCH', `/api/customers/${w.ids.customerRep}`, {
        name: 'Rep customer renamed',
      })
      expect(byRep.status, JSON.stringify(byRep.body)).toBe(200)
      expect(byRep.body).toMatchObject({ email: '***', phone: '***' })
      expect(await repEvent).toMatchObject({ name: 'Rep customer renamed', email: '***', phone: '***' })
      expect(await adminEvent).toMatchObject({
        name: 'Rep customer renamed',
        email: 'buyer2@customer.test',
        phone: '+86 21 5555 0002',
      })
    } finally {
      for (const { socket } of sockets) socket.close()
    }
  })
})
