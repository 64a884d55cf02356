import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { definePlugin, runAction, type PlumeApp } from '@plume/core'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import {
  bizFixture,
  client,
  created,
  draftOrder,
  expectStatus,
  type Api,
  type BizFixture,
} from '../marketing/fixtures.js'
import { signedInSocket, type Inbox } from './sockets.js'

/**
 * One action layer: `POST /api/<plural>/:id/<action>`, socket.io and in-process `runAction` run
 * the same code — input schema, lock, authorization on the locked row inside the transaction,
 * handler, audit, `patched` after the commit — and `GET /api/<plural>/:id/actions` offers what
 * the caller may run on a record now.
 */

const PASSWORD = 'Layer-Secret-123'
const isPg = !!process.env.DATABASE_URL

/** A customer action partner users may run on their own partner's customers (rows by partnerId). */
const touch = definePlugin({
  name: 'ala-touch',
  version: '1.0.0',
  actions: {
    customer: {
      touch: {
        permission: 'customers:touch',
        input: {
          type: 'object',
          properties: { name: { type: 'string', maxLength: 80 } },
          additionalProperties: false,
        },
        async handler(id, data, { trx }) {
          const [row] = (await trx('customers')
            .where('id', id)
            .update({ name: data.name ?? 'Touched' })
            .returning('*')) as Array<Record<string, unknown>>
          return row
        },
      },
    },
  },
  rules: [
    {
      name: 'ala-partner-touch',
      effect: 'allow',
      entities: ['customer'],
      actions: ['customers:touch'],
      conditions: { any: [{ fact: 'user', path: '$.roles', operator: 'contains', value: 'partner_user' }] },
      row: { partnerId: { $fact: 'user.partnerId' } },
    },
  ],
})

let p: TestPlatform
let f: BizFixture
let staff: Inbox
const api: Record<'rep' | 'manager' | 'warehouse' | 'partner' | 'partnerAdmin' | 'other', Api> = {} as never
const user = async (email: string) =>
  (await p.db.knex('users').where('email', email).first()) as Record<string, unknown> & { id: number }
let partner2 = 0
let customer2 = 0

beforeAll(async () => {
  p = await startTestPlatform({ plugins: [touch] })
  f = await bizFixture(p, 'ALA')
  partner2 = await created(f.api, '/api/partners', {
    code: 'P2-ALA',
    name: 'Partner two',
    kind: 'reseller',
    tierId: f.tiers.silver,
  })
  customer2 = await created(f.api, '/api/customers', {
    code: 'C2-ALA',
    name: 'Customer two',
    partnerId: partner2,
  })
  const people = [
    ['rep', ['sales_rep'], null],
    ['manager', ['sales_manager'], null],
    ['warehouse', ['warehouse'], null],
    ['partner', ['partner_user'], f.partnerId],
    ['partnerAdmin', ['partner_admin'], f.partnerId],
    ['other', ['partner_user'], partner2],
  ] as const
  for (const [name, roles, partnerId] of people) {
    const email = `${name.toLowerCase()}@ala.test`
    await created(f.api, '/api/users', {
      email,
      name,
      password: PASSWORD,
      roles,
      ...(partnerId ? { partnerId } : {}),
    })
    api[name] = client(p, await p.login(email, PASSWORD))
  }
  staff = await signedInSocket(p, p.adminEmail, p.adminPassword)
}, 600_000)
afterAll(async () => {
  staff?.close()
  await p?.close()
})

const audited = async (id: number, action: string) =>
  (await p.db
    .knex('plume_audit')
    .where({ entity: 'order', record_id: String(id), action })
    .select('action', 'actor_id', 'changes')) as Array<Record<string, unknown>>
const names = (body: { actions: Array<{ name: string }> }) => body.actions.map((a) => a.name)
const order = async () =>
  (await draftOrder(f, f.customerId, [{ productId: f.products.bolt, quantity: 1 }])).id as number

describe('REST and in-process calls run the same path', () => {
  it('both submit, each with one audit record of its user and one patched event after the commit', async () => {
    const [viaRest, inProcess] = [await order(), await order()]
    const manager = await user('manager@ala.test')
    expect((await api.manager('POST', `/api/orders/${viaRest}/submit`, {})).status).toBe(201)
    const row = await runAction<{ status: string }>(p.app, {
      entity: 'order',
      id: inProcess,
      action: 'submit',
      params: { user: manager },
    })
    expect(row.status).toBe('submitted')
    for (const id of [viaRest, inProcess]) {
      expect(await audited(id, 'submit')).toEqual([
        expect.objectContaining({ action: 'submit', actor_id: String(manager.id) }),
      ])
      const event = await staff.until('api/orders patched', (e) => e.id === id && e.status === 'submitted')
      expect(event).toEqual(await expectStatus(f.api, 200, 'GET', `/api/orders/${id}`))
    }
  })

  it('both refuse a user without the permission (403) and change nothing', async () => {
    const id = await order()
    const warehouse = await user('warehouse@ala.test')
    expect((await api.warehouse('POST', `/api/orders/${id}/submit`, {})).status).toBe(403)
    await expect(
      runAction(p.app, { entity: 'order', id, action: 'submit', params: { user: warehouse } }),
    ).rejects.toMatchObject({ code: 403 })
    expect(await audited(id, 'submit')).toEqual([])
    expect((await p.db.knex('orders').where('id', id).first()).status).toBe('draft')
  })

  it('both refuse a wrong state with 409', async () => {
    const id = await order()
    const manager = await user('manager@ala.test')
    const r = await api.manager('POST', `/api/orders/${id}/approve`, {})
    expect(r.status).toBe(409)
    await expect(
      runAction(p.app, { entity: 'order', id, action: 'approve', params: { user: manager } }),
    ).rejects.toMatchObject({ code: 409, message: r.body.message })
  })

  it('both check the input schema (400 naming the field) and answer 404 for a missing record', async () => {
    const id = await order()
    const r = await api.manager('POST', `/api/orders/${id}/cancel`, { reason: 7 })
    expect(r.status).toBe(400)
    await expect(
      runAction(p.app, { entity: 'order', id, action: 'cancel', data: { reason: 7 } }),
    ).rejects.toMatchObject({ code: 400, message: r.body.message })
    expect((await api.manager('POST', '/api/orders/999999/submit', {})).status).toBe(404)
    await expect(runAction(p.app, { entity: 'order', id: 999999, action: 'submit' })).rejects.toMatchObject({
      code: 404,
    })
    await expect(runAction(p.app, { entity: 'order', id, action: 'no-such-action' })).rejects.toMatchObject({
      code: 404,
    })
  })

  it('a partner user runs an action on their own rows, never on another partner’s record (404), REST or in-process', async () => {
    const partner = await user('partner@ala.test')
    expect(
      (await api.partner('POST', `/api/customers/${f.customerId}/touch`, { name: 'Touched by partner' }))
        .status,
    ).toBe(201)
    expect((await api.partner('POST', `/api/customers/${customer2}/touch`, {})).status).toBe(404)
    await expect(
      runAction(p.app, { entity: 'customer', id: customer2, action: 'touch', params: { user: partner } }),
    ).rejects.toMatchObject({ code: 404 })
    expect((await p.db.knex('customers').where('id', customer2).first()).name).toBe('Customer two')
  })
})

describe('GET /api/<plural>/:id/actions: what the caller may run now', () => {
  it('a draft order: submit and cancel for the sales rep who owns it, not approve; submit, cancel for a manager', async () => {
    const rep = await user('rep@ala.test')
    const customerId = await created(f.api, '/api/customers', {
      code: 'REP-ALA',
      name: 'The rep’s customer',
      ownerId: rep.id,
    })
    const id = (
      await expectStatus(api.rep, 201, 'POST', '/api/orders', {
        customerId,
        warehouseId: f.warehouseId,
        lines: [{ productId: f.products.bolt, quantity: 1 }],
      })
    ).id as number
    expect((await p.db.knex('orders').where('id', id).first()).ownerId).toBe(rep.id)
    const mine = await expectStatus(api.rep, 200, 'GET', `/api/orders/${id}/actions`)
    expect(mine).toMatchObject({ id, status: 'draft' })
    expect(names(mine)).toEqual(['submit', 'cancel'])
    expect(mine.actions[0]).toMatchObject({
      name: 'submit',
      permission: 'orders:submit',
      label: { en: 'Submit', 'zh-CN': '提交' },
    })
    expect(names(await expectStatus(api.manager, 200, 'GET', `/api/orders/${id}/actions`))).toEqual([
      'submit',
      'cancel',
    ])
  })

  it('a submitted order: approve for the sales manager only', async () => {
    const id = await order()
    await expectStatus(f.api, 201, 'POST', `/api/orders/${id}/submit`, {})
    expect(names(await expectStatus(api.manager, 200, 'GET', `/api/orders/${id}/actions`))).toContain(
      'approve',
    )
    for (const who of ['warehouse', 'partner', 'partnerAdmin'] as const) {
      expect(names(await expectStatus(api[who], 200, 'GET', `/api/orders/${id}/actions`)), who).not.toContain(
        'approve',
      )
    }
  })

  it('partner users get only what their rules allow; another partner’s order is 404', async () => {
    const id = await order()
    expect(names(await expectStatus(api.partner, 200, 'GET', `/api/orders/${id}/actions`))).toEqual([
      'submit',
    ])
    expect(names(await expectStatus(api.partnerAdmin, 200, 'GET', `/api/orders/${id}/actions`))).toEqual([
      'submit',
      'cancel',
    ])
    expect((await api.other('GET', `/api/orders/${id}/actions`)).status).toBe(404)
    // the customer action of the test plugin: offered on the partner's own customer only
    expect(
      names(await expectStatus(api.partner, 200, 'GET', `/api/customers/${f.customerId}/actions`)),
    ).toEqual(['touch'])
    expect((await api.partner('GET', `/api/customers/${customer2}/actions`)).status).toBe(404)
    expect(names(await expectStatus(api.other, 200, 'GET', `/api/customers/${customer2}/actions`))).toEqual([
      'touch',
    ])
  })

  it('needs a signed-in caller (401) and a valid id (400)', async () => {
    expect((await p.http('GET', `/api/orders/1/actions`)).status).toBe(401)
    const bad = await api.manager('GET', '/api/orders/abc/actions')
    expect(bad.status).toBe(400)
    expect(bad.body.message).toMatch(/id/)
  })

  it('is in /api/openapi.json with its answer', async () => {
    const doc = await expectStatus(f.api, 200, 'GET', '/api/openapi.json')
    const op = doc.paths['/api/orders/{id}/actions']?.get
    expect(op?.responses?.['200']?.content?.['application/json']?.schema?.properties?.actions).toBeDefined()
    expect(doc.paths['/api/customers/{id}/actions']?.get).toBeDefined()
  })
})

describe('the row scope is checked once, on the locked row, inside the transaction', () => {
  it.skipIf(!isPg)(
    'a record moved to another partner while the action waited for its lock is refused (404)',
    async () => {
      const knex = p.db.knex
      const trx = await knex.transaction()
      try {
        await trx('customers').where('id', f.customerId).update({ partnerId: partner2 })
        const pending = api.partner('POST', `/api/customers/${f.customerId}/touch`, {
          name: 'Should not happen',
        })
        // wait until the action waits for the row lock held here (a condition, not a time)
        for (;;) {
          const waiting = await knex.raw(
            `select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query ilike '%customers%for update%'`,
          )
          if ((waiting.rows[0] as { n: number }).n > 0) break
          await new Promise((resolve) => setImmediate(resolve))
        }
        await trx.commit()
        const r = await pending
        expect(r.status, JSON.stringify(r.body)).toBe(404)
        expect((await knex('customers').where('id', f.customerId).first()).name).not.toBe('Should not happen')
      } finally {
        if (!trx.isCompleted()) await trx.rollback()
        await p.db.knex('customers').where('id', f.customerId).update({ partnerId: f.partnerId })
      }
    },
  )

  it('an in-process call inside the caller’s transaction is authorized on the row as that transaction sees it', async () => {
    const partner = await user('partner@ala.test')
    const app: PlumeApp = p.app
    await expect(
      p.db.knex.transaction(async (trx) => {
        await trx('customers').where('id', f.customerId).update({ partnerId: partner2 })
        await runAction(app, {
          entity: 'customer',
          id: f.customerId,
          action: 'touch',
          params: { user: partner },
          trx,
        })
      }),
    ).rejects.toMatchObject({ code: 404 })
    expect((await p.db.knex('customers').where('id', f.customerId).first()).partnerId).toBe(f.partnerId)
  })
})
