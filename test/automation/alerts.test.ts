import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { loopFixture, client, created, type LoopFixture } from '../orders/fixtures.js'
import { engineOf, firings, jobsOf, quietBackground, rule, sleep, socketAs, user } from './helpers.js'

let p: TestPlatform
let token: string
let fx: LoopFixture
let warehouse: { id: number; email: string; password: string }
let partnerUserId: number

const notificationsOf = async (userId: number) =>
  (await p.db.knex('notifications').where({ userId }).orderBy('id')) as Array<Record<string, any>> // eslint-disable-line @typescript-eslint/no-explicit-any

async function order(
  quantity = 10,
  productId = fx.products.widget,
  customerId = fx.customerId,
): Promise<{ id: number; number: string }> {
  const api = client(p, token)
  const r = await api('POST', '/api/orders', {
    customerId,
    warehouseId: fx.warehouseId,
    lines: [{ productId, quantity }],
  })
  if (r.status !== 201) throw new Error(`order → ${r.status} ${JSON.stringify(r.body)}`)
  return r.body
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function act(id: number, action: string): Promise<{ status: number; body: any }> {
  return p.http('POST', `/api/orders/${id}/${action}`, {}, token)
}

beforeAll(async () => {
  quietBackground()
  p = await startTestPlatform()
  token = await p.login()
  fx = await loopFixture(p, 'AL')
  warehouse = await user(p, token, 'stock@test.local', ['warehouse'])
  partnerUserId = ((await p.db.knex('users').where({ email: fx.partnerEmail }).first('id')) as { id: number })
    .id
})
afterAll(async () => {
  await p?.close()
})

describe('alert rules as data', () => {
  it('seeds the default rules the notifications plugin ships (plugins/notifications/rules/alerts)', async () => {
    const r = await p.http('GET', '/api/alert-rules', undefined, token)
    expect(r.status).toBe(200)
    const names = (r.body as Array<{ name: string; kind: string; enabled: boolean }>).map((x) => x.name)
    expect(names).toEqual(
      expect.arrayContaining([
        'low-stock-after-shipment',
        'invoices-overdue-30-days',
        'partner-sales-drop-20',
        'ticket-sla-breach',
        'customer-exposure-90',
        'order-credit-limit-hold',
      ]),
    )
    // the shared table keeps its permission rules apart
    const perms = await p.http('GET', '/api/rules?kind=permission', undefined, token)
    expect((perms.body as Array<{ kind: string }>).every((x) => x.kind === 'permission')).toBe(true)
  })

  it('validates at save: 400 with {path, message} per problem', async () => {
    const bad = await p.http(
      'POST',
      '/api/alert-rules',
      {
        kind: 'alert',
        definition: {
          name: 'bad-rule',
          trigger: { type: 'event', entity: 'order', on: 'transition', action: 'teleport' },
          conditions: {
            all: [
              { fact: 'record', path: '$.colour', operator: 'equal', value: 'red' },
              { fact: 'nope', operator: 'equal', value: 1 },
            ],
          },
          actions: [
            { type: 'notify', title: 'Hi {{record.number' },
            { type: 'update', set: { notes: 'x' } },
            { type: 'fax' },
          ],
        },
      },
      token,
    )
    expect(bad.status).toBe(400)
    const paths = (bad.body.errors as Array<{ path: string; message: string }>).map((e) => e.path)
    expect(paths).toEqual(
      expect.arrayContaining([
        '/definition/trigger/action',
        '/definition/conditions/all/0/path',
        '/definition/conditions/all/1/fact',
        '/definition/actions/0/title',
        '/definition/actions/0',
        '/definition/actions/1/type',
        '/definition/actions/2/type',
      ]),
    )
    const cron = await p.http(
      'POST',
      '/api/alert-rules',
      {
        definition: {
          name: 'bad-cron',
          trigger: { type: 'schedule', cron: '61 * * * *', timezone: 'Mars/Olympus' },
          conditions: { all: [] },
          actions: [{ type: 'notify', roles: ['admin'], title: 'x' }],
        },
      },
      token,
    )
    expect(cron.status).toBe(400)
    expect(cron.body.errors.map((e: { path: string }) => e.path)).toContain('/definition/trigger/timezone')
    const shape = await p.http(
      'POST',
      '/api/alert-rules',
      { definition: { name: 'x', trigger: { type: 'event' } } },
      token,
    )
    expect(shape.status).toBe(400)
    expect(shape.body.errors[0]).toHaveProperty('path')
  })

  it('versions every save and keeps the history; only admins may change rules', async () => {
    const def = {
      name: 'customer-created-note',
      trigger: { type: 'event', entity: 'customer', on: 'created' },
      conditions: { all: [] },
      actions: [{ type: 'notify', roles: ['admin'], title: 'New customer {{record.name}}' }],
    }
    const r = await rule(p, token, 'alert', def, false)
    expect(r.version).toBe(1)
    const patched = await p.http(
      'PATCH',
      `/api/alert-rules/${r.id}`,
      { definition: { ...def, description: 'v2' }, version: 1 },
      token,
    )
    expect(patched.status).toBe(200)
    expect(patched.body.version).toBe(2)
    const stale = await p.http('PATCH', `/api/alert-rules/${r.id}`, { enabled: true, version: 1 }, token)
    expect(stale.status).toBe(409)
    const history = await p.db.knex('plume_rule_versions').where({ ruleId: r.id }).orderBy('version')
    expect(history.map((h: { version: number; change: string }) => `${h.version}:${h.change}`)).toEqual([
      '1:create',
      '2:update',
    ])
    const stock = await p.login(warehouse.email, warehouse.password)
    expect((await p.http('GET', '/api/alert-rules', undefined, stock)).status).toBe(403)
    expect((await p.http('PATCH', `/api/alert-rules/${r.id}`, { enabled: true }, stock)).status).toBe(403)
    expect((await p.http('GET', '/api/alert-firings', undefined, stock)).status).toBe(403)
    expect((await p.http('DELETE', `/api/alert-rules/${r.id}`, undefined, token)).status).toBe(200)
  })
})

describe('order transitions and notifications', () => {
  it('alerts the warehouse when a shipment drops availability below the reorder point; the partner user never sees the hidden reorder point', async () => {
    const level = (await p.db
      .knex('stock_levels')
      .where({ productId: fx.products.widget, warehouseId: fx.warehouseId })
      .first()) as { id: number }
    expect(
      (
        await p.http(
          'PATCH',
          `/api/stock-levels/${level.id}`,
          { reorderPoint: 95, reorderQuantity: 40 },
          token,
        )
      ).status,
    ).toBe(200)
    await rule(p, token, 'alert', {
      name: 'partner-stock-watch',
      trigger: { type: 'event', entity: 'order', on: 'transition', action: 'ship' },
      forEach: 'orderStock',
      conditions: {
        all: [
          {
            fact: 'item',
            path: '$.available',
            operator: 'lessThan',
            value: { fact: 'item', path: '$.reorderPoint' },
          },
        ],
      },
      actions: [
        {
          type: 'notify',
          users: [partnerUserId],
          title: 'Stock of {{item.sku}}',
          body: 'available={{item.available}} rp={{item.reorderPoint}} rq={{item.reorderQuantity}}',
        },
      ],
    })
    const partnerSocket = await socketAs(p, fx.partnerEmail, fx.partnerPassword)
    const stockSocket = await socketAs(p, warehouse.email, warehouse.password)
    const adminSocket = await socketAs(p, p.adminEmail, p.adminPassword)
    try {
      const o = await order(10)
      // the default rule fires once, at the reservation that crosses the reorder point (submit)
      expect((await act(o.id, 'submit')).status).toBe(201)
      expect(await firings(p, 'low-stock-after-shipment')).toHaveLength(1)
      for (const a of ['approve', 'ship']) expect((await act(o.id, a)).status).toBe(201)
      expect(await firings(p, 'low-stock-after-shipment')).toHaveLength(1)
      const [firing] = await firings(p, 'low-stock-after-shipment')
      expect(firing).toMatchObject({
        status: 'fired',
        ruleVersion: 1,
        trigger: { type: 'event', entity: 'order', on: 'transition', action: 'submit', recordId: o.id },
      })
      expect(firing!.matched.map((m: { factPath: string }) => m.factPath)).toEqual([
        '$.reorderPoint',
        '$.available',
        '$.previousAvailable',
      ])
      expect(firing!.item).toMatchObject({ available: 90, previousAvailable: 100, reorderPoint: 95 })
      await jobsOf(p).drain()

      const stock = await notificationsOf(warehouse.id)
      expect(stock).toHaveLength(1)
      expect(stock[0]).toMatchObject({
        title: expect.stringContaining(`SKU-AL-W in WH-AL`),
        link: { entity: 'stockLevel', id: level.id },
        readAt: null,
        ruleName: 'low-stock-after-shipment',
      })
      expect(stock[0]!.body).toContain(
        `90 available after submit of order ${o.number}, was 100 (reorder point 95, reorder 40)`,
      )

      const partner = await notificationsOf(partnerUserId)
      expect(partner).toHaveLength(1)
      // reorderPoint and reorderQuantity are hidden from partner users: they never reach the message
      expect(partner[0]!.body).toBe('available=90 rp= rq=')

      const [done] = await firings(p, 'low-stock-after-shipment')
      expect(done!.actions).toEqual([
        expect.objectContaining({ type: 'notify', status: 'done', attempts: 1 }),
      ])

      await sleep(300)
      expect(partnerSocket.received.map((n) => n.userId)).toEqual([partnerUserId])
      expect(stockSocket.received.map((n) => n.userId)).toEqual([warehouse.id])
      expect(adminSocket.received).toHaveLength(0)
    } finally {
      for (const s of [partnerSocket, stockSocket, adminSocket]) s.socket.close()
    }
  })

  it('lets a recipient read and mark only their own notifications', async () => {
    const partnerToken = await p.login(fx.partnerEmail, fx.partnerPassword)
    const mine = await p.http('GET', '/api/notifications', undefined, partnerToken)
    expect(mine.status).toBe(200)
    expect(mine.body.data.every((n: { userId: number }) => n.userId === partnerUserId)).toBe(true)
    const id = mine.body.data[0].id as number
    const read = await p.http(
      'PATCH',
      `/api/notifications/${id}`,
      { readAt: new Date().toISOString() },
      partnerToken,
    )
    expect(read.status).toBe(200)
    expect(read.body.readAt).not.toBeNull()
    const unread = await p.http('PATCH', `/api/notifications/${id}`, { readAt: null }, partnerToken)
    expect(unread.body.readAt).toBeNull()
    expect(
      (await p.http('PATCH', `/api/notifications/${id}`, { title: 'forged' }, partnerToken)).status,
    ).toBe(403)
    const other = (await notificationsOf(warehouse.id))[0]!.id
    expect((await p.http('GET', `/api/notifications/${other}`, undefined, partnerToken)).status).toBe(404)
  })

  it('dry-runs a rule on a record or at a time without acting', async () => {
    // a rule on the level (not the crossing): the shipped order still matches
    const low = (await p.http('GET', '/api/alert-rules?name=partner-stock-watch', undefined, token)).body[0]
    const shipped = (await p.db.knex('orders').where({ status: 'shipped' }).first('id')) as { id: number }
    const before = await p.db.knex('notifications').count({ n: '*' }).first()
    const jobsBefore = await p.db.knex('plume_jobs').count({ n: '*' }).first()
    const r = await p.http(
      'POST',
      `/api/alert-rules/${low.id}/dry-run`,
      { record: { id: shipped.id } },
      token,
    )
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({ matched: true, changed: false, rule: { name: 'partner-stock-watch' } })
    expect(r.body.evaluations[0].conditions).toEqual([
      expect.objectContaining({ fact: 'item', factPath: '$.available', factValue: 90, result: true }),
    ])
    expect(r.body.actions[0]).toMatchObject({
      type: 'notify',
      wouldDo: { messages: [expect.objectContaining({ userId: partnerUserId })] },
    })
    expect(await p.db.knex('notifications').count({ n: '*' }).first()).toEqual(before)
    expect(await p.db.knex('plume_jobs').count({ n: '*' }).first()).toEqual(jobsBefore)

    const overdue = (await p.http('GET', '/api/alert-rules?name=invoices-overdue-30-days', undefined, token))
      .body[0]
    const s = await p.http(
      'POST',
      `/api/alert-rules/${overdue.id}/dry-run`,
      { at: '2030-01-01T08:00:00Z' },
      token,
    )
    expect(s.status).toBe(201)
    expect(s.body).toMatchObject({ now: '2030-01-01T08:00:00.000Z', changed: false })
    expect(
      (await p.http('POST', `/api/alert-rules/${overdue.id}/dry-run`, { at: 'yesterday' }, token)).status,
    ).toBe(400)
    const stock = await p.login(warehouse.email, warehouse.password)
    expect((await p.http('POST', `/api/alert-rules/${overdue.id}/dry-run`, {}, stock)).status).toBe(403)
  })

  it('holds a submit that exceeds the credit limit, with the rule message (409), and records it', async () => {
    const hold = (await p.http('GET', '/api/alert-rules?name=order-credit-limit-hold', undefined, token))
      .body[0]
    expect(hold.enabled).toBe(false)
    expect((await p.http('PATCH', `/api/alert-rules/${hold.id}`, { enabled: true }, token)).status).toBe(200)
    const customerId = await created(client(p, token), '/api/customers', {
      code: 'c-held',
      name: 'Held customer',
      partnerId: fx.partnerId,
      creditLimit: '50.00',
    })
    const o = await order(10, fx.products.widget, customerId)
    const r = await act(o.id, 'submit')
    expect(r.status).toBe(409)
    expect(r.body.message).toBe(`Order ${o.number} exceeds the customer's credit limit`)
    const row = (await p.db.knex('orders').where({ id: o.id }).first('status')) as { status: string }
    expect(row.status).toBe('draft')
    await engineOf(p).flush()
    const [f] = await firings(p, 'order-credit-limit-hold')
    expect(f).toMatchObject({ status: 'held', message: r.body.message, recordId: String(o.id) })
    // within the limit: goes through
    const small = await order(1, fx.products.scarce, customerId)
    expect((await act(small.id, 'submit')).status).toBe(201)
    await p.http('PATCH', `/api/alert-rules/${hold.id}`, { enabled: false }, token)
  })
})

describe('entity events, actions and safety', () => {
  it('runs created/patched/removed triggers with create and update actions, and a before-hold on a write (422)', async () => {
    await rule(p, token, 'automation', {
      name: 'welcome-activity',
      trigger: { type: 'event', entity: 'customer', on: 'created' },
      conditions: { all: [{ fact: 'record', path: '$.type', operator: 'equal', value: 'company' }] },
      actions: [
        {
          type: 'create',
          entity: 'activity',
          data: {
            customerId: '{{record.id}}',
            kind: 'note',
            subject: 'Welcome {{record.name}}',
            occurredAt: '{{now.iso}}',
          },
        },
      ],
    })
    await rule(p, token, 'automation', {
      name: 'activity-done-stamp',
      trigger: { type: 'event', entity: 'activity', on: 'patched' },
      conditions: {
        all: [
          { fact: 'data', path: '$.done', operator: 'equal', value: true },
          { fact: 'previous', path: '$.done', operator: 'equal', value: false },
        ],
      },
      actions: [{ type: 'update', set: { notes: 'closed: {{record.subject}}' } }],
    })
    await rule(p, token, 'alert', {
      name: 'customer-removed',
      trigger: { type: 'event', entity: 'customer', on: 'removed' },
      conditions: { all: [] },
      actions: [
        { type: 'notify', roles: ['admin', 'partner_user'], title: 'Customer {{record.code}} removed' },
      ],
    })
    await rule(p, token, 'automation', {
      name: 'no-huge-limits',
      trigger: { type: 'event', entity: 'customer', on: 'patched', phase: 'before' },
      conditions: { all: [{ fact: 'data', path: '$.creditLimit', operator: 'greaterThan', value: 1000000 }] },
      actions: [
        {
          type: 'hold',
          status: 422,
          message: 'A credit limit of {{data.creditLimit}} for {{record.name}} needs the board',
        },
      ],
    })
    const api = client(p, token)
    const customerId = await created(api, '/api/customers', {
      code: 'c-auto',
      name: 'Auto Co',
      type: 'company',
    })
    await jobsOf(p).drain()
    const activity = (await p.db.knex('activities').where({ customerId }).first()) as {
      id: number
      subject: string
      done: boolean
    }
    expect(activity.subject).toBe('Welcome Auto Co')
    expect((await api('PATCH', `/api/activities/${activity.id}`, { done: true })).status).toBe(200)
    await jobsOf(p).drain()
    expect(
      ((await p.db.knex('activities').where({ id: activity.id }).first()) as { notes: string }).notes,
    ).toBe('closed: Welcome Auto Co')

    const held = await api('PATCH', `/api/customers/${customerId}`, { creditLimit: '5000000.00' })
    expect(held.status).toBe(422)
    expect(held.body.message).toBe('A credit limit of 5000000.00 for Auto Co needs the board')
    expect((await api('PATCH', `/api/customers/${customerId}`, { creditLimit: '5000.00' })).status).toBe(200)

    await p.db.knex('activities').where({ customerId }).delete()
    expect((await api('DELETE', `/api/customers/${customerId}`)).status).toBe(200)
    await jobsOf(p).drain()
    const adminId = ((await p.db.knex('users').where({ email: p.adminEmail }).first('id')) as { id: number })
      .id
    expect((await notificationsOf(adminId)).map((n) => n.title)).toContain('Customer C-AUTO removed')
    // a partner user may not read a customer outside their partner: they get nothing about it
    expect((await notificationsOf(partnerUserId)).map((n) => n.title)).not.toContain(
      'Customer C-AUTO removed',
    )
    const [removed] = await firings(p, 'customer-removed')
    expect(removed!.actions[0].outcome).toMatchObject({
      notified: [adminId],
      skipped: [{ userId: partnerUserId, reason: 'may not read the record' }],
    })
  })

  it('stops a rule that re-triggers itself at a bounded depth and reports the loop', async () => {
    await rule(p, token, 'automation', {
      name: 'echo-loop',
      trigger: { type: 'event', entity: 'activity', on: 'patched' },
      conditions: { all: [{ fact: 'record', path: '$.kind', operator: 'equal', value: 'call' }] },
      actions: [{ type: 'update', set: { notes: '{{record.notes}}+' } }],
    })
    const api = client(p, token)
    const customerId = await created(api, '/api/customers', {
      code: 'c-loop',
      name: 'Loop',
      type: 'individual',
    })
    const id = await created(api, '/api/activities', {
      customerId,
      kind: 'call',
      subject: 'ring',
      occurredAt: new Date().toISOString(),
      notes: '',
    })
    await api('PATCH', `/api/activities/${id}`, { subject: 'ring ring' })
    await jobsOf(p).drain()
    const list = await firings(p, 'echo-loop')
    const loop = list.filter((f) => f.status === 'loop')
    expect(loop).toHaveLength(1)
    expect(loop[0]!.message).toMatch(/^loop stopped at depth 5: echo-loop → echo-loop/)
    expect(list.filter((f) => f.status === 'fired')).toHaveLength(5)
    expect(((await p.db.knex('activities').where({ id }).first()) as { notes: string }).notes).toBe('+++++')
  })

  it('applies per-rule rate limits', async () => {
    await rule(p, token, 'alert', {
      name: 'noisy',
      trigger: { type: 'event', entity: 'productCategory', on: 'created' },
      conditions: { all: [] },
      actions: [{ type: 'notify', roles: ['warehouse'], title: 'category {{record.code}}' }],
      rateLimit: { max: 2, perSeconds: 3600 },
    })
    const api = client(p, token)
    for (const n of [1, 2, 3, 4])
      await created(api, '/api/product-categories', { code: `NOISY-${n}`, name: `Noisy ${n}` })
    const list = await firings(p, 'noisy')
    expect(list.map((f) => f.status).sort()).toEqual(['fired', 'fired', 'rate_limited', 'rate_limited'])
  })
})

describe('schedules', () => {
  it('alerts finance about invoices overdue more than 30 days when the scheduler runs at a given now, once per slot', async () => {
    const finance = await user(p, token, 'ar@test.local', ['finance'])
    const api = client(p, token)
    const customerId = await created(api, '/api/customers', {
      code: 'c-late',
      name: 'Late Payer <b>',
      type: 'company',
    })
    const now = new Date('2031-03-10T08:00:30Z')
    const day = (n: number) => new Date(now.getTime() - n * 86_400_000).toISOString().slice(0, 10)
    const invoice = (number: string, dueDays: number, status = 'issued') => ({
      number,
      customerId,
      status,
      issueDate: day(dueDays + 30),
      dueDate: day(dueDays),
      currency: 'CNY',
      subtotal: '100.00',
      taxTotal: '0.00',
      total: '100.00',
      amountPaid: '0.00',
    })
    await p.db
      .knex('invoices')
      .insert([invoice('INV-OLD', 45), invoice('INV-RECENT', 10), invoice('INV-PAID', 60, 'paid')])
    expect(await engineOf(p).runSchedules(now)).toBeGreaterThanOrEqual(1)
    const list = await firings(p, 'invoices-overdue-30-days')
    expect(list).toHaveLength(1)
    expect(list[0]).toMatchObject({
      status: 'fired',
      trigger: { type: 'schedule', cron: '0 8 * * *', timezone: 'UTC', slot: '2031-03-10T08:00:00.000Z' },
      item: { number: 'INV-OLD', daysOverdue: 45 },
    })
    // the same slot never fires twice (several instances, or a second tick)
    await engineOf(p).runSchedules(new Date('2031-03-10T09:30:00Z'))
    expect(await firings(p, 'invoices-overdue-30-days')).toHaveLength(1)
    await jobsOf(p).drain()
    const notes = await notificationsOf(finance.id)
    expect(notes.map((n) => n.title)).toContain('Invoice INV-OLD is 45 days overdue')
    expect(notes.find((n) => n.title.startsWith('Invoice INV-OLD'))!.body).toBe(
      'Late Payer <b> owes 100.00 CNY (due 2031-01-24).',
    )
    // the next day's slot fires again
    await engineOf(p).runSchedules(new Date('2031-03-11T08:00:05Z'))
    expect(await firings(p, 'invoices-overdue-30-days')).toHaveLength(2)
  })

  it('evaluates cron expressions in the rule time zone', async () => {
    await rule(p, token, 'alert', {
      name: 'paris-morning',
      trigger: { type: 'schedule', cron: '0 8 * * *', timezone: 'Europe/Paris' },
      forEach: 'lowStock',
      conditions: {
        all: [
          {
            fact: 'item',
            path: '$.available',
            operator: 'lessThan',
            value: { fact: 'item', path: '$.reorderPoint' },
          },
        ],
      },
      actions: [{ type: 'notify', roles: ['warehouse'], title: 'Still low: {{item.sku}}' }],
    })
    // 08:00 in Paris is 07:00 UTC in winter
    await engineOf(p).runSchedules(new Date('2031-01-15T07:00:10Z'))
    const [f] = await firings(p, 'paris-morning')
    expect(f!.trigger.slot).toBe('2031-01-15T07:00:00.000Z')
  })
})
