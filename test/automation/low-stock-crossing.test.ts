import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { lowStockCrossingMigration } from '../../plugins/notifications/src/migrations/20261207000000-low-stock-crossing.js'
import { client, loopFixture, type LoopFixture } from '../orders/fixtures.js'
import { firings, jobsOf, quietBackground, rule, user } from './helpers.js'

// #13.6: rules see the previous values (`previous`, `changes`, `item.previousAvailable`); the
// shipped low-stock rule fires once when availability crosses below the reorder point —
// at the submit's reservation — not on every later reservation or shipment while it stays low
let p: TestPlatform
let token: string
let fx: LoopFixture
let warehouse: { id: number }
const RULE = 'low-stock-after-shipment'

async function order(quantity: number): Promise<{ id: number; number: string }> {
  const r = await client(p, token)('POST', '/api/orders', {
    customerId: fx.customerId,
    warehouseId: fx.warehouseId,
    lines: [{ productId: fx.products.widget, quantity }],
  })
  if (r.status !== 201) throw new Error(`order → ${r.status} ${JSON.stringify(r.body)}`)
  return r.body
}
async function act(id: number, action: string): Promise<void> {
  const r = await p.http('POST', `/api/orders/${id}/${action}`, {}, token)
  if (r.status !== 201) throw new Error(`${action} → ${r.status} ${JSON.stringify(r.body)}`)
}
const available = async () => {
  const l = (await p.db
    .knex('stock_levels')
    .where({ productId: fx.products.widget, warehouseId: fx.warehouseId })
    .first()) as { onHand: number; reserved: number }
  return l.onHand - l.reserved
}

beforeAll(async () => {
  quietBackground()
  p = await startTestPlatform()
  token = await p.login()
  fx = await loopFixture(p, 'LS')
  warehouse = await user(p, token, 'ls-stock@test.local', ['warehouse'])
  const level = (await p.db
    .knex('stock_levels')
    .where({ productId: fx.products.widget, warehouseId: fx.warehouseId })
    .first()) as { id: number }
  expect(
    (await p.http('PATCH', `/api/stock-levels/${level.id}`, { reorderPoint: 95, reorderQuantity: 40 }, token))
      .status,
  ).toBe(200)
})
afterAll(async () => {
  await p?.close()
})

describe('low stock fires once per crossing of the reorder point', () => {
  it('fires at the reservation that crosses (submit), then not again on shipments or reservations while below', async () => {
    expect(await available()).toBe(100)
    const a = await order(10)
    await act(a.id, 'submit') // 100 → 90: crosses 95
    expect(await available()).toBe(90)
    let list = await firings(p, RULE)
    expect(list).toHaveLength(1)
    expect(list[0]).toMatchObject({
      status: 'fired',
      recordId: String(a.id),
      trigger: { on: 'transition', action: 'submit' },
    })
    expect(list[0]!.item).toMatchObject({
      available: 90,
      previousAvailable: 100,
      reorderPoint: 95,
      reserved: 10,
    })

    for (const x of ['approve', 'ship']) await act(a.id, x)
    const b = await order(5)
    for (const x of ['submit', 'approve', 'ship']) await act(b.id, x) // 90 → 85, still below
    const c = await order(3)
    await act(c.id, 'submit')
    await act(c.id, 'cancel') // availability goes up again, still below: no crossing downwards
    expect(await available()).toBe(85)
    list = await firings(p, RULE)
    expect(list).toHaveLength(1)

    await jobsOf(p).drain()
    const notes = (await p.db
      .knex('notifications')
      .where({ userId: warehouse.id, ruleName: RULE })) as Array<{ body: string }>
    expect(notes).toHaveLength(1)
    expect(notes[0]!.body).toBe(
      `W: 90 available after submit of order ${a.number}, was 100 (reorder point 95, reorder 40).`,
    )
  })

  it('fires again after stock was received above the point and a reservation crosses it once more', async () => {
    expect(
      (
        await p.http(
          'POST',
          '/api/stock-receipts',
          { productId: fx.products.widget, warehouseId: fx.warehouseId, quantity: 50, reference: 'PO-2' },
          token,
        )
      ).status,
    ).toBe(201)
    expect(await available()).toBe(135)
    const d = await order(41)
    // a dry run of the every-transition rule as a submit agrees with what the submit does
    const id = (
      (await p.http('GET', `/api/alert-rules?name=${RULE}`, undefined, token)).body as Array<{ id: number }>
    )[0]!.id
    const dry = await p.http(
      'POST',
      `/api/alert-rules/${id}/dry-run`,
      { record: { id: d.id }, action: 'submit' },
      token,
    )
    expect(dry.status).toBe(201)
    expect(dry.body.matched).toBe(true)
    expect(dry.body.evaluations[0].item).toMatchObject({ available: 94, previousAvailable: 135 })
    await act(d.id, 'submit') // 135 → 94: crosses again
    let list = await firings(p, RULE)
    expect(list).toHaveLength(2)
    expect(list[0]!.item).toMatchObject({ available: 94, previousAvailable: 135 })
    const e = await order(1)
    await act(e.id, 'submit') // 94 → 93: still below
    list = await firings(p, RULE)
    expect(list).toHaveLength(2)
  })

  it('gives rules the previous record and the changed fields as facts', async () => {
    await rule(p, token, 'alert', {
      name: 'order-left-submitted',
      trigger: { type: 'event', entity: 'order', on: 'transition' },
      conditions: {
        all: [
          { fact: 'changes', path: '$.status.from', operator: 'equal', value: 'submitted' },
          { fact: 'previous', path: '$.status', operator: 'equal', value: 'submitted' },
        ],
      },
      actions: [
        {
          type: 'notify',
          roles: ['admin'],
          title: '{{record.number}}: {{changes.status.from}} → {{changes.status.to}}',
        },
      ],
    })
    const bad = await p.http(
      'POST',
      '/api/alert-rules',
      {
        definition: {
          name: 'bad-changes',
          trigger: { type: 'event', entity: 'order', on: 'patched' },
          conditions: { all: [{ fact: 'changes', path: '$.colour.to', operator: 'equal', value: 1 }] },
          actions: [{ type: 'notify', roles: ['admin'], title: 'x' }],
        },
      },
      token,
    )
    expect(bad.status).toBe(400)
    expect(bad.body.errors).toEqual([
      expect.objectContaining({
        path: '/definition/conditions/all/0/path',
        message: expect.stringContaining('colour'),
      }),
    ])
    const o = await order(1)
    await act(o.id, 'submit')
    expect(await firings(p, 'order-left-submitted')).toHaveLength(0)
    await act(o.id, 'approve')
    const [f] = await firings(p, 'order-left-submitted')
    expect(f).toMatchObject({ recordId: String(o.id), trigger: { action: 'approve' } })
    expect(f!.matched[0]).toMatchObject({ fact: 'changes', factValue: 'submitted' })
    await act(o.id, 'ship')
    expect(await firings(p, 'order-left-submitted')).toHaveLength(1)
  })

  it('upgrades a stored, never edited old default to the crossing rule, and leaves an edited one alone', async () => {
    const knex = p.db.knex
    const row = (await knex('plume_rules').where({ name: RULE }).first()) as {
      id: number
      definition: unknown
      version: number
    }
    const old = {
      name: RULE,
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
      actions: [{ type: 'notify', roles: ['warehouse'], title: 'Low stock' }],
    }
    await knex('plume_rules')
      .where({ id: row.id })
      .update({ definition: JSON.stringify(old), version: 1, updatedBy: 1 })
    await knex.transaction((trx) => lowStockCrossingMigration.up({} as never, trx))
    expect(((await knex('plume_rules').where({ id: row.id }).first()) as { version: number }).version).toBe(1)
    await knex('plume_rules').where({ id: row.id }).update({ updatedBy: null })
    await knex.transaction((trx) => lowStockCrossingMigration.up({} as never, trx))
    const upgraded = (await knex('plume_rules').where({ id: row.id }).first()) as {
      version: number
      definition: unknown
    }
    expect(upgraded.version).toBe(2)
    const def = (
      typeof upgraded.definition === 'string' ? JSON.parse(upgraded.definition) : upgraded.definition
    ) as { trigger: Record<string, unknown> }
    expect(def.trigger).toEqual({ type: 'event', entity: 'order', on: 'transition' })
    expect(
      await knex('plume_rule_versions').where({ ruleId: row.id, version: 2, change: 'upgrade' }),
    ).toHaveLength(1)
  })
})
