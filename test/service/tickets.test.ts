import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { serviceApi, type TicketAction, type TicketRow } from '@plume/plugin-service'
import { after, post, serviceFixture, type ServiceFixture } from './fixtures.js'

let p: TestPlatform
let f: ServiceFixture
type Api = (method: string, path: string, body?: unknown) => ReturnType<TestPlatform['http']>
let admin: Api

beforeAll(async () => {
  p = await startTestPlatform()
  f = await serviceFixture(p, 'TKT')
  admin = (method, path, body) => p.http(method, path, body, f.token)
})
afterAll(async () => p?.close())

const year = new Date().getUTCFullYear()
const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString())
/** A ticket opened in-process at an explicit time. */
const openAt = async (now: Date, extra: Record<string, unknown> = {}) =>
  (await p.app
    .service('api/tickets')
    .create(
      { customerId: f.customerId, subject: 'Router drops Wi-Fi', priority: 'high', ...extra },
      { now },
    )) as TicketRow
const act = (id: number, action: TicketAction, now: Date, data: Record<string, unknown> = {}) =>
  p.db.knex.transaction((trx) => serviceApi(p.app).transition(trx, id, action, data, { now }))
const reply = (ticketId: number, authorId: number, now: Date, internal = false) =>
  p.app
    .service('api/ticket-messages')
    .create({ ticketId, authorId, body: internal ? 'note to self' : 'We are on it', internal }, { now })
const ticket = async (id: number) => (await p.app.service('api/tickets').get(id)) as TicketRow

describe('ticket workflow', () => {
  let id: number

  it('opens a numbered ticket linked to customer, order and product, with SLA due times from the policy', async () => {
    const r = await admin('POST', '/api/tickets', {
      customerId: f.customerId,
      orderId: f.orderId,
      productId: f.productId,
      subject: 'Late delivery',
      channel: 'email',
      category: 'delivery',
      priority: 'high',
    })
    expect(r.status).toBe(201)
    id = r.body.id
    expect(r.body).toMatchObject({
      number: `TKT-${year}-000001`,
      status: 'new',
      slaBreached: false,
      firstRespondedAt: null,
    })
    const opened = Date.parse(r.body.openedAt)
    expect(Date.parse(r.body.firstResponseDueAt) - opened).toBe(60 * 60_000)
    expect(Date.parse(r.body.resolutionDueAt) - opened).toBe(480 * 60_000)
    expect(
      (
        await admin('POST', '/api/tickets', {
          customerId: f.customerId,
          orderId: f.otherOrderId,
          subject: 'Not mine',
        })
      ).status,
    ).toBe(400)
    expect(
      (
        await admin('POST', '/api/tickets', {
          customerId: f.customerId,
          subject: 'Rated early',
          satisfaction: 5,
        })
      ).status,
    ).toBe(400)
  })

  it('refuses illegal transitions with a 409 that lists the allowed ones', async () => {
    const r = await admin('POST', `/api/tickets/${id}/start`, {})
    expect(r.status).toBe(409)
    expect(r.body.message).toBe(`Cannot start ticket TKT-${year}-000001 in state new; allowed: assign`)
    expect(r.body.data.allowed).toEqual(['assign'])
    expect((await admin('POST', `/api/tickets/${id}/close`, {})).body.message).toBe(
      `Cannot close ticket TKT-${year}-000001 in state new; allowed: assign`,
    )
    expect((await admin('PATCH', `/api/tickets/${id}`, { status: 'resolved' })).status).toBe(400)
  })

  it('assigns only to agents (or a team), then moves through the workflow', async () => {
    const notAgent = await admin('POST', `/api/tickets/${id}/assign`, { assigneeId: f.salesRep.id })
    expect(notAgent.status).toBe(400)
    expect(notAgent.body.message).toMatch(/service_agent role/)
    expect((await admin('PATCH', `/api/tickets/${id}`, { assigneeId: f.agent.id })).status).toBe(409)
    const a = await admin('POST', `/api/tickets/${id}/assign`, { assigneeId: f.agent.id, team: 'Logistics' })
    expect(a.body).toMatchObject({ status: 'assigned', assigneeId: f.agent.id, team: 'Logistics' })
    expect((await admin('POST', `/api/tickets/${id}/start`, {})).body.status).toBe('in_progress')
    // reassignment keeps the ticket where it is
    expect(
      (await admin('POST', `/api/tickets/${id}/assign`, { assigneeId: f.colleague.id })).body,
    ).toMatchObject({ status: 'in_progress', assigneeId: f.colleague.id })
    expect((await admin('POST', `/api/tickets/${id}/wait`, {})).body.status).toBe('waiting')
    const close = await admin('POST', `/api/tickets/${id}/close`, { satisfaction: 5 })
    expect(close.status).toBe(409)
    expect(close.body.message).toBe(
      `Cannot close ticket TKT-${year}-000001 in state waiting; allowed: assign, start, resolve`,
    )
    expect((await admin('PATCH', `/api/tickets/${id}`, { satisfaction: 5 })).status).toBe(409)
    const resolved = await admin('POST', `/api/tickets/${id}/resolve`, {})
    expect(resolved.body.status).toBe('resolved')
    expect(resolved.body.resolvedAt).toBeTruthy()
  })

  it('takes satisfaction 1–5 on close only, clears it on reopen', async () => {
    expect((await admin('POST', `/api/tickets/${id}/close`, { satisfaction: 6 })).status).toBe(400)
    expect((await admin('POST', `/api/tickets/${id}/close`, { satisfaction: 'great' })).status).toBe(400)
    const closed = await admin('POST', `/api/tickets/${id}/close`, { satisfaction: 4 })
    expect(closed.body).toMatchObject({ status: 'closed', satisfaction: 4 })
    expect(closed.body.closedAt).toBeTruthy()
    expect((await admin('POST', `/api/ticket-messages`, { ticketId: id, body: 'Thanks!' })).status).toBe(409)
    expect(
      (
        await admin('POST', `/api/ticket-messages`, {
          ticketId: id,
          body: 'closed after the call',
          internal: true,
        })
      ).status,
    ).toBe(201)
    const reopened = await admin('POST', `/api/tickets/${id}/reopen`, {})
    expect(reopened.body).toMatchObject({
      status: 'in_progress',
      satisfaction: null,
      resolvedAt: null,
      closedAt: null,
      reopenCount: 1,
    })
    await admin('POST', `/api/tickets/${id}/resolve`, {})
    expect((await admin('POST', `/api/tickets/${id}/close`, {})).body).toMatchObject({
      status: 'closed',
      satisfaction: null,
    })
    // the customer may rate after the fact, once it is resolved or closed
    expect((await admin('PATCH', `/api/tickets/${id}`, { satisfaction: 5 })).body.satisfaction).toBe(5)
    expect((await admin('PATCH', `/api/tickets/${id}`, { satisfaction: 0 })).status).toBe(400)
  })
})

describe('SLA', () => {
  const t0 = new Date('2026-11-25T08:00:00.000Z')

  it("sets due times from the priority's policy at the moment the ticket is opened", async () => {
    const t = await openAt(t0)
    expect([iso(t.openedAt), iso(t.firstResponseDueAt), iso(t.resolutionDueAt)]).toEqual([
      '2026-11-25T08:00:00.000Z',
      '2026-11-25T09:00:00.000Z',
      '2026-11-25T16:00:00.000Z',
    ])
    const low = await openAt(t0, { priority: 'low' })
    expect([low.firstResponseDueAt, low.resolutionDueAt]).toEqual([null, null])
  })

  it('records a breach when the first agent reply is late; notes and customer replies do not count', async () => {
    const t = await openAt(t0)
    await reply(t.id, f.agent.id, after(t0, 30), true)
    await reply(t.id, f.salesRep.id, after(t0, 40))
    expect(await ticket(t.id)).toMatchObject({ firstRespondedAt: null, slaBreached: false })
    await reply(t.id, f.agent.id, after(t0, 90))
    const late = await ticket(t.id)
    expect(iso(late.firstRespondedAt)).toBe('2026-11-25T09:30:00.000Z')
    expect(late).toMatchObject({ slaBreached: true, firstResponseBreached: true, resolutionBreached: false })
    expect(iso(late.slaBreachedAt)).toBe('2026-11-25T09:30:00.000Z')
    await reply(t.id, f.colleague.id, after(t0, 100))
    expect(iso((await ticket(t.id)).firstRespondedAt)).toBe('2026-11-25T09:30:00.000Z')
  })

  it('an agent reply in time is no breach, and a customer reply brings a waiting ticket back', async () => {
    const t = await openAt(t0)
    await act(t.id, 'assign', after(t0, 5), { assigneeId: f.agent.id })
    await act(t.id, 'start', after(t0, 10))
    await reply(t.id, f.agent.id, after(t0, 59))
    await act(t.id, 'wait', after(t0, 60))
    await reply(t.id, f.salesRep.id, after(t0, 120))
    expect(await ticket(t.id)).toMatchObject({
      status: 'in_progress',
      slaBreached: false,
      firstResponseBreached: false,
    })
    const resolved = await act(t.id, 'resolve', after(t0, 481))
    expect(resolved).toMatchObject({
      status: 'resolved',
      slaBreached: true,
      resolutionBreached: true,
      firstResponseBreached: false,
    })
    expect(iso(resolved.slaBreachedAt)).toBe('2026-11-25T16:01:00.000Z')
  })

  it('checkSlaBreaches(app, now) records what ran out, once, and leaves resolved tickets alone', async () => {
    const t1 = new Date('2026-12-01T08:00:00.000Z')
    const open = await openAt(t1, { priority: 'normal' })
    const done = await openAt(t1, { priority: 'normal' })
    await act(done.id, 'assign', after(t1, 1), { team: 'Level 1' })
    await act(done.id, 'resolve', after(t1, 2))
    const api = serviceApi(p.app)
    const ids = (r: Array<{ id: number }>) => r.map((x) => x.id).filter((x) => x === open.id || x === done.id)
    expect(ids((await api.checkSlaBreaches(p.app, after(t1, 239))).firstResponse)).toEqual([])
    expect(await ticket(open.id)).toMatchObject({ slaBreached: false })
    const first = await api.checkSlaBreaches(p.app, after(t1, 241))
    expect(ids(first.firstResponse)).toEqual([open.id])
    expect(ids(first.resolution)).toEqual([])
    expect(await ticket(open.id)).toMatchObject({
      slaBreached: true,
      firstResponseBreached: true,
      resolutionBreached: false,
    })
    expect(iso((await ticket(open.id)).slaBreachedAt)).toBe('2026-12-01T12:01:00.000Z')
    expect(ids((await api.checkSlaBreaches(p.app, after(t1, 300))).firstResponse)).toEqual([])
    const later = await api.checkSlaBreaches(p.app, after(t1, 1441))
    expect(ids(later.resolution)).toEqual([open.id])
    // the first breach time is kept
    expect(iso((await ticket(open.id)).slaBreachedAt)).toBe('2026-12-01T12:01:00.000Z')
    expect(await ticket(done.id)).toMatchObject({ slaBreached: false })
  })
})

describe('messages over HTTP', () => {
  it('the agent is the author; the conversation cannot be edited', async () => {
    const t = await post(p, f.token, '/api/tickets', {
      customerId: f.customerId,
      subject: 'Invoice question',
      category: 'billing',
    })
    const agent = await p.login(f.agent.email, f.agent.password)
    const m = await p.http(
      'POST',
      '/api/ticket-messages',
      { ticketId: t.id, body: 'Looking into it', authorId: f.salesRep.id },
      agent,
    )
    expect(m.status).toBe(201)
    expect(m.body.authorId).toBe(f.agent.id)
    expect((await ticket(t.id as number)).firstRespondedAt).toBeTruthy()
    expect(
      (await p.http('PATCH', `/api/ticket-messages/${m.body.id}`, { body: 'edited' }, agent)).status,
    ).toBe(405)
  })
})
