import { Conflict } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { definePlugin, type EntityParams } from '@plume/core'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { bizFixture, created, draftOrder, expectStatus, type BizFixture } from '../marketing/fixtures.js'
import { signedInSocket, type Inbox } from './sockets.js'

/**
 * Actions change records too: every transition (orders, risk holds, invoices, tickets) reaches
 * open screens as the entity's `patched` event, after the commit, with the record as committed,
 * filtered per recipient like CRUD events (a partner never sees another partner's record). A
 * request replayed with its Idempotency-Key changed nothing and emits nothing.
 */

let p: TestPlatform
let f: BizFixture
let staff: Inbox
let one: Inbox
let two: Inbox
let customer2: number
const today = new Date().toISOString().slice(0, 10)
const PASSWORD = 'Events-Secret-123'

/** Writes through services inside an action or a write, then maybe fails: nothing of a rolled-back change may be announced. */
const nested = definePlugin({
  name: 'aev-nested',
  version: '1.0.0',
  actions: {
    customer: {
      rename: {
        async handler(id, data, { app, trx }) {
          await app.service('api/customers').patch(id, { name: data.name }, { transaction: trx })
          await app
            .service('api/contacts')
            .create({ customerId: id, name: `Contact of ${String(data.name)}` }, { transaction: trx })
          if (data.fail) throw new Conflict('Refused after the writes')
          return { id }
        },
      },
    },
  },
  hooks: {
    customer: {
      patch: [
        async (context: HookContext, next: NextFunction) => {
          await next()
          if ((context.data as { name?: unknown }).name !== 'Fail after contact') return
          await context.app
            .service('api/contacts')
            .create({ customerId: Number(context.id), name: 'Ghost' }, {
              transaction: (context.params as EntityParams).transaction,
            } as EntityParams)
          throw new Conflict('Refused after the contact')
        },
      ],
    },
  },
})

beforeAll(async () => {
  p = await startTestPlatform({ plugins: [nested] })
  f = await bizFixture(p, 'AEV')
  const partner2 = await created(f.api, '/api/partners', {
    code: 'P2-AEV',
    name: 'Partner two',
    kind: 'reseller',
    tierId: f.tiers.silver,
  })
  customer2 = await created(f.api, '/api/customers', {
    code: 'C2-AEV',
    name: 'Customer two',
    partnerId: partner2,
  })
  await created(f.api, '/api/users', {
    email: 'one@aev.test',
    name: 'One',
    password: PASSWORD,
    roles: ['partner_user'],
    partnerId: f.partnerId,
  })
  await created(f.api, '/api/users', {
    email: 'two@aev.test',
    name: 'Two',
    password: PASSWORD,
    roles: ['partner_user'],
    partnerId: partner2,
  })
  staff = await signedInSocket(p, p.adminEmail, p.adminPassword)
  one = await signedInSocket(p, 'one@aev.test', PASSWORD)
  two = await signedInSocket(p, 'two@aev.test', PASSWORD)
})
afterAll(async () => {
  for (const s of [staff, one, two]) s?.close()
  await p?.close()
})

let mark = 0
/**
 * Makes sure every event sent so far has arrived: a change of each partner's customer is emitted
 * after them, and each socket waits for the one it may see.
 */
async function flush(): Promise<void> {
  const name = `Sentinel ${++mark}`
  await p.app.service('api/customers').patch(f.customerId, { name })
  await p.app.service('api/customers').patch(customer2, { name })
  const sentinel = (id: number) => (d: { id: number; name?: unknown }) => d.id === id && d.name === name
  await Promise.all([
    staff.until('api/customers patched', sentinel(customer2)),
    one.until('api/customers patched', sentinel(f.customerId)),
    two.until('api/customers patched', sentinel(customer2)),
  ])
}

const act = (path: string, body: unknown = {}, headers?: Record<string, string>) =>
  f.api('POST', path, body, headers)
const statuses = (inbox: Inbox, name: string, id: number) => inbox.of(name, id).map((e) => e.status)

describe('actions emit patched after the commit, filtered per recipient', () => {
  let orderId: number

  it('order submit, approve, ship and deliver: staff and the owning partner get each state, the other partner nothing', async () => {
    orderId = (await draftOrder(f, f.customerId, [{ productId: f.products.drill, quantity: 2 }])).id
    const steps = [
      ['submit', 'submitted'],
      ['approve', 'approved'],
      ['ship', 'shipped'],
      ['deliver', 'delivered'],
    ] as const
    for (const [action, status] of steps) {
      const r = await act(`/api/orders/${orderId}/${action}`)
      expect(r.status, JSON.stringify(r.body)).toBe(201)
      await flush()
      const events = staff.of('api/orders patched', orderId)
      expect(events.at(-1)?.status, action).toBe(status)
      // the record as committed: what a GET answers now
      expect(events.at(-1)).toEqual(
        (await expectStatus(f.api, 200, 'GET', `/api/orders/${orderId}`)) as unknown,
      )
    }
    const all = steps.map(([, s]) => s)
    expect(statuses(staff, 'api/orders patched', orderId)).toEqual(all)
    expect(statuses(one, 'api/orders patched', orderId)).toEqual(all)
    expect(two.of('api/orders patched', orderId)).toEqual([])
  })

  it('a refused transition (409) emits nothing', async () => {
    const draft = (await draftOrder(f, f.customerId, [{ productId: f.products.bolt, quantity: 1 }])).id
    expect((await act(`/api/orders/${draft}/approve`)).status).toBe(409)
    await flush()
    expect(staff.of('api/orders patched', draft)).toEqual([])
  })

  it('risk: releasing a credit hold emits the order without its hold', async () => {
    const customerId = await created(f.api, '/api/customers', {
      code: 'HOLD-AEV',
      name: 'Held buyer',
      partnerId: f.partnerId,
    })
    await created(f.api, '/api/credit-limits', { customerId, amount: '1.00', validFrom: today })
    const id = (await draftOrder(f, customerId, [{ productId: f.products.drill, quantity: 1 }])).id
    expect(await expectStatus(f.api, 201, 'POST', `/api/orders/${id}/submit`, {})).toMatchObject({
      creditHold: true,
    })
    await expectStatus(f.api, 201, 'POST', `/api/orders/${id}/release-credit-hold`, { note: 'prepaid' })
    await flush()
    expect(staff.of('api/orders patched', id).map((e) => [e.status, e.creditHold])).toEqual([
      ['submitted', true],
      ['submitted', false],
    ])
    expect(one.of('api/orders patched', id).at(-1)).toMatchObject({ creditHold: false })
    expect(two.of('api/orders patched', id)).toEqual([])
    // the hold record the transitions write: created at submit, released with the order
    const holds = (inbox: Inbox) =>
      inbox.seen
        .filter((e) => e.name.startsWith('api/credit-holds ') && e.data.orderId === id)
        .map((e) => [e.name, e.data.status])
    expect(holds(staff)).toEqual([
      ['api/credit-holds created', 'open'],
      ['api/credit-holds patched', 'released'],
    ])
    expect(holds(two)).toEqual([])
  })

  it('finance: issuing an invoice emits it once, issued, after the commit', async () => {
    const invoice = await expectStatus(f.api, 201, 'POST', '/api/invoices/from-orders', {
      orderIds: [orderId],
    })
    await expectStatus(f.api, 201, 'POST', `/api/invoices/${invoice.id}/issue`, {})
    await flush()
    // one event: the nested service patch's own event gives way to the committed record
    const events = staff.of('api/invoices patched', invoice.id)
    expect(events.map((e) => e.status)).toEqual(['issued'])
    expect(events[0]).toEqual(
      (await expectStatus(f.api, 200, 'GET', `/api/invoices/${invoice.id}`)) as unknown,
    )
    expect(two.of('api/invoices patched', invoice.id)).toEqual([])
  })

  it('service: ticket transitions emit the ticket in its new state', async () => {
    const ticket = await expectStatus(f.api, 201, 'POST', '/api/tickets', {
      customerId: f.customerId,
      subject: 'Drill sparks',
      priority: 'normal',
    })
    await expectStatus(f.api, 201, 'POST', `/api/tickets/${ticket.id}/assign`, { team: 'Workshop' })
    await expectStatus(f.api, 201, 'POST', `/api/tickets/${ticket.id}/resolve`, {})
    await flush()
    expect(staff.of('api/tickets patched', ticket.id).map((e) => [e.status, e.team])).toEqual([
      ['assigned', 'Workshop'],
      ['resolved', 'Workshop'],
    ])
    expect(two.of('api/tickets patched', ticket.id)).toEqual([])
  })
})

describe('writes nested in an action or a write are announced after the commit, never after a rollback', () => {
  const contactsOf = (inbox: Inbox, customerId: number) =>
    inbox.seen.filter((e) => e.name === 'api/contacts created' && e.data.customerId === customerId)

  it('an action that fails after writing through services emits nothing', async () => {
    const r = await act(`/api/customers/${f.customerId}/rename`, { name: 'Never renamed', fail: true })
    expect(r.status).toBe(409)
    await flush()
    expect(staff.of('api/customers patched', f.customerId).filter((e) => e.name === 'Never renamed')).toEqual(
      [],
    )
    expect(contactsOf(staff, f.customerId).filter((e) => e.data.name === 'Contact of Never renamed')).toEqual(
      [],
    )
  })

  it('a write whose hook fails after a nested create emits nothing', async () => {
    const r = await f.api('PATCH', `/api/customers/${f.customerId}`, { name: 'Fail after contact' })
    expect(r.status).toBe(409)
    await flush()
    expect(contactsOf(staff, f.customerId).filter((e) => e.data.name === 'Ghost')).toEqual([])
    expect(
      staff.of('api/customers patched', f.customerId).filter((e) => e.name === 'Fail after contact'),
    ).toEqual([])
  })

  it('an action that succeeds emits the nested create and its record once, as committed', async () => {
    await expectStatus(f.api, 201, 'POST', `/api/customers/${f.customerId}/rename`, {
      name: 'Renamed by action',
    })
    await flush()
    expect(contactsOf(staff, f.customerId).map((e) => e.data.name)).toContain('Contact of Renamed by action')
    const renamed = staff
      .of('api/customers patched', f.customerId)
      .filter((e) => e.name === 'Renamed by action')
    expect(renamed).toHaveLength(1)
    expect(
      one.of('api/customers patched', f.customerId).filter((e) => e.name === 'Renamed by action'),
    ).toHaveLength(1)
    expect(two.of('api/customers patched', f.customerId)).toEqual([])
  })
})

describe('a request replayed with its Idempotency-Key emits nothing', () => {
  it('order create: one created event for two identical requests', async () => {
    const body = {
      customerId: f.customerId,
      warehouseId: f.warehouseId,
      lines: [{ productId: f.products.saw, quantity: 1 }],
    }
    const headers = { 'Idempotency-Key': 'aev-create-1' }
    const first = await act('/api/orders', body, headers)
    const again = await act('/api/orders', body, headers)
    expect([first.status, again.status]).toEqual([201, 201])
    expect(again.body.id).toBe(first.body.id)
    await flush()
    expect(staff.of('api/orders created', first.body.id)).toHaveLength(1)
    expect(one.of('api/orders created', first.body.id)).toHaveLength(1)
  })

  it('order submit: one patched event for two identical requests', async () => {
    const id = (await draftOrder(f, f.customerId, [{ productId: f.products.saw, quantity: 1 }])).id
    const headers = { 'Idempotency-Key': 'aev-submit-1' }
    const first = await act(`/api/orders/${id}/submit`, {}, headers)
    const again = await act(`/api/orders/${id}/submit`, {}, headers)
    expect([first.status, again.status]).toEqual([201, 201])
    expect(again.body).toEqual(first.body)
    await flush()
    expect(statuses(staff, 'api/orders patched', id)).toEqual(['submitted'])
  })

  it('payment: one created event for two identical requests', async () => {
    const body = {
      customerId: f.customerId,
      amount: '25.00',
      method: 'bank_transfer',
      receivedAt: `${today}T10:00:00Z`,
      reference: 'AEV-PAY-1',
    }
    const headers = { 'Idempotency-Key': 'aev-pay-1' }
    const first = await act('/api/payments', body, headers)
    const again = await act('/api/payments', body, headers)
    expect([first.status, again.status], JSON.stringify(again.body)).toEqual([201, 201])
    expect(again.body.id).toBe(first.body.id)
    await flush()
    expect(staff.of('api/payments created', first.body.id)).toHaveLength(1)
  })
})
