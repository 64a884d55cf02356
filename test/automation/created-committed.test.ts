import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { client, loopFixture, type LoopFixture } from '../orders/fixtures.js'
import { firings, quietBackground, rule } from './helpers.js'

// #13.5: an order created with its lines is priced by plugin hooks after its row is inserted;
// a rule on `created` must see the order as it commits (total included), as its dry run does
let p: TestPlatform
let token: string
let fx: LoopFixture
let ruleId: number

beforeAll(async () => {
  quietBackground()
  p = await startTestPlatform()
  token = await p.login()
  fx = await loopFixture(p, 'CC')
  ruleId = (
    await rule(p, token, 'alert', {
      name: 'big-order-created',
      trigger: { type: 'event', entity: 'order', on: 'created' },
      conditions: { all: [{ fact: 'record', path: '$.total', operator: 'greaterThan', value: 10000 }] },
      actions: [{ type: 'notify', roles: ['admin'], title: 'Big order {{record.number}}: {{record.total}}' }],
    })
  ).id
})
afterAll(async () => {
  await p?.close()
})

async function createOrder(
  quantity: number,
  headers?: Record<string, string>,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<{ status: number; body: Record<string, any> }> {
  return client(p, token)(
    'POST',
    '/api/orders',
    {
      customerId: fx.customerId,
      warehouseId: fx.warehouseId,
      lines: [{ productId: fx.products.gadget, quantity }],
    },
    headers,
  )
}

describe('rules on created see the committed record', () => {
  it('fires "order created with total > 10000" for an order whose lines total more, with the priced total', async () => {
    // 120 × 89.95 = 10794.00 net, 13 % tax
    const r = await createOrder(120)
    expect(r.status).toBe(201)
    expect(Number(r.body.total)).toBeGreaterThan(10000)
    const list = await firings(p, 'big-order-created')
    expect(list).toHaveLength(1)
    expect(list[0]).toMatchObject({
      status: 'fired',
      recordId: String(r.body.id),
      trigger: { type: 'event', entity: 'order', on: 'created' },
    })
    expect(list[0]!.matched).toEqual([
      expect.objectContaining({ fact: 'record', factPath: '$.total', factValue: r.body.total, result: true }),
    ])

    // the dry run on the same record agrees with the live firing
    const dry = await p.http(
      'POST',
      `/api/alert-rules/${ruleId}/dry-run`,
      { record: { id: r.body.id } },
      token,
    )
    expect(dry.status).toBe(201)
    expect(dry.body.matched).toBe(true)
    expect(dry.body.evaluations[0].conditions).toEqual([
      expect.objectContaining({ factValue: r.body.total, result: true }),
    ])
  })

  it('does not fire for a small order, and agrees with the dry run there too', async () => {
    const r = await createOrder(2)
    expect(r.status).toBe(201)
    expect(
      (await firings(p, 'big-order-created')).filter((f) => f.recordId === String(r.body.id)),
    ).toHaveLength(0)
    const dry = await p.http(
      'POST',
      `/api/alert-rules/${ruleId}/dry-run`,
      { record: { id: r.body.id } },
      token,
    )
    expect(dry.body).toMatchObject({ matched: false })
    expect(dry.body.evaluations[0].conditions).toEqual([
      expect.objectContaining({ factValue: r.body.total, result: false }),
    ])
  })

  it('evaluates nothing again when a create is replayed from its Idempotency-Key', async () => {
    const headers = { 'Idempotency-Key': 'cc-replay-1' }
    const first = await createOrder(130, headers)
    expect(first.status).toBe(201)
    const again = await createOrder(130, headers)
    expect(again.body.id).toBe(first.body.id)
    expect(
      (await firings(p, 'big-order-created')).filter((f) => f.recordId === String(first.body.id)),
    ).toHaveLength(1)
  })
})
