import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { loopFixture, client, type LoopFixture } from '../orders/fixtures.js'
import { quietBackground, rule } from './helpers.js'

// #17 item 4: a rule's dry run over the last N events of its entity, replayed from the audit trail
let p: TestPlatform
let token: string
let fx: LoopFixture

beforeAll(async () => {
  quietBackground()
  p = await startTestPlatform()
  token = await p.login()
  fx = await loopFixture(p, 'DRE')
}, 240_000)

afterAll(async () => {
  await p?.close()
})

async function order(): Promise<number> {
  const r = await client(p, token)('POST', '/api/orders', {
    customerId: fx.customerId,
    warehouseId: fx.warehouseId,
    lines: [{ productId: fx.products.widget, quantity: 1 }],
  })
  if (r.status !== 201) throw new Error(`order → ${r.status} ${JSON.stringify(r.body)}`)
  return r.body.id as number
}

const dry = (id: number, body: unknown) => p.http('POST', `/api/alert-rules/${id}/dry-run`, body, token)

describe('dry run over the last N events', () => {
  it('replays a patched rule on the 3 latest order patches, newest first, and changes nothing', async () => {
    const ids = [await order(), await order(), await order()]
    const notes = ['urgent', 'calm', 'urgent']
    for (const [i, id] of ids.entries()) {
      const r = await p.http('PATCH', `/api/orders/${id}`, { notes: notes[i] }, token)
      expect(r.status).toBe(200)
    }
    const r0 = await rule(
      p,
      token,
      'alert',
      {
        name: 'urgent-note',
        trigger: { type: 'event', entity: 'order', on: 'patched' },
        conditions: {
          all: [
            { fact: 'record', path: '$.notes', operator: 'equal', value: 'urgent' },
            { fact: 'previous', path: '$.notes', operator: 'notEqual', value: 'urgent' },
          ],
        },
        actions: [{ type: 'notify', roles: ['admin'], title: 'Urgent {{record.number}}' }],
      },
      false,
    )
    const firingsBefore = await p.db.knex('plume_alert_firings').count({ n: '*' }).first()
    const notesBefore = await p.db.knex('notifications').count({ n: '*' }).first()
    const r = await dry(r0.id, { lastEvents: 3 })
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({ lastEvents: 3, changed: false, rule: { name: 'urgent-note' } })
    const events = r.body.events as Array<Record<string, any>> // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(events.map((e) => [e.recordId, e.action, e.wouldFire])).toEqual([
      [String(ids[2]), 'patch', true],
      [String(ids[1]), 'patch', false],
      [String(ids[0]), 'patch', true],
    ])
    expect(events[1]!.evaluations[0].conditions[0]).toMatchObject({
      factPath: '$.notes',
      factValue: 'calm',
      result: false,
    })
    expect(events[0]!.evaluations[0].conditions[1]).toMatchObject({ factValue: null, result: true })
    expect(events[0]!.actions[0]).toMatchObject({ type: 'notify' })
    expect(Date.parse(events[0]!.at)).toBeGreaterThanOrEqual(Date.parse(events[1]!.at))
    expect(await p.db.knex('plume_alert_firings').count({ n: '*' }).first()).toEqual(firingsBefore)
    expect(await p.db.knex('notifications').count({ n: '*' }).first()).toEqual(notesBefore)
  }, 120_000)

  it('reports a condition on a value the audit masks as not evaluable, without guessing', async () => {
    const c = await p.http(
      'POST',
      '/api/customers',
      { code: 'DRE-M', name: 'Masked', email: 'a@x.test' },
      token,
    )
    expect(c.status).toBe(201)
    expect((await p.http('PATCH', `/api/customers/${c.body.id}`, { email: 'b@x.test' }, token)).status).toBe(
      200,
    )
    const r0 = await rule(
      p,
      token,
      'alert',
      {
        name: 'customer-email',
        trigger: { type: 'event', entity: 'customer', on: 'patched' },
        conditions: { all: [{ fact: 'record', path: '$.email', operator: 'equal', value: 'b@x.test' }] },
        actions: [{ type: 'notify', roles: ['admin'], title: 'x' }],
      },
      false,
    )
    const r = await dry(r0.id, { lastEvents: 1 })
    expect(r.status).toBe(201)
    expect(r.body.events[0]).toMatchObject({
      recordId: String(c.body.id),
      wouldFire: false,
      undetermined: true,
    })
    expect(r.body.events[0].evaluations[0].conditions[0].error).toMatch(/masked/)
    expect(JSON.stringify(r.body)).not.toContain('a@x.test')
  }, 120_000)

  it('refuses N out of 1…50, mixed bodies and schedule rules with a 400 naming the field', async () => {
    const r0 = await rule(
      p,
      token,
      'alert',
      {
        name: 'any-order-created',
        trigger: { type: 'event', entity: 'order', on: 'created' },
        conditions: { all: [] },
        actions: [{ type: 'notify', roles: ['admin'], title: 'x' }],
      },
      false,
    )
    for (const lastEvents of [0, 51, 2.5, '10', null]) {
      const r = await dry(r0.id, { lastEvents })
      expect(r.status).toBe(400)
      expect(r.body.errors[0].path).toBe('/lastEvents')
    }
    const mixed = await dry(r0.id, { lastEvents: 2, record: { id: 1 } })
    expect(mixed.status).toBe(400)
    expect(mixed.body.errors[0].path).toBe('/record')
    const ok = await dry(r0.id, { lastEvents: 2 })
    expect(ok.status).toBe(201)
    expect(ok.body.events).toHaveLength(2)
    expect(
      ok.body.events.every(
        (e: { action: string; wouldFire: boolean }) => e.action === 'create' && e.wouldFire,
      ),
    ).toBe(true)
    const schedule = await rule(
      p,
      token,
      'alert',
      {
        name: 'nightly',
        trigger: { type: 'schedule', cron: '0 8 * * *' },
        conditions: { all: [] },
        actions: [{ type: 'notify', roles: ['admin'], title: 'x' }],
      },
      false,
    )
    const s = await dry(schedule.id, { lastEvents: 5 })
    expect(s.status).toBe(400)
    expect(s.body.message).toMatch(/schedule/)
  }, 120_000)
})
