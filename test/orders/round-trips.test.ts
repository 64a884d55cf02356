import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { ordersApi } from '@plume/plugin-orders'

/**
 * The submit's statements travel pipelined: BEGIN with the order's lock and the lines' load (and
 * the prefetches of pricing steps and transition hooks); the line and order updates; the staged
 * reservation, the audit entries and the COMMIT. A guard for the hot path (PostgreSQL; PGlite has
 * no socket). Only the order loop's plugins are loaded, so no after-commit work shares the socket.
 */
let p: TestPlatform | undefined
const log = new Map<unknown, string[]>()
let recording = false
const proto = net.Socket.prototype as unknown as Record<
  '_write' | '_writev' | 'push',
  (...a: unknown[]) => unknown
>
const originals = { _write: proto._write, _writev: proto._writev, push: proto.push }

beforeAll(async () => {
  if (!process.env.DATABASE_URL) return
  const only = process.env.PLUME_PLUGINS
  process.env.PLUME_PLUGINS = 'crm,partners,inventory,orders'
  try {
    p = await startTestPlatform({ demo: false })
  } finally {
    if (only === undefined) delete process.env.PLUME_PLUGINS
    else process.env.PLUME_PLUGINS = only
  }
  for (const [m, e] of [
    ['_write', 'w'],
    ['_writev', 'w'],
    ['push', 'r'],
  ] as const) {
    proto[m] = function (this: unknown, ...a: unknown[]) {
      if (recording) log.set(this, [...(log.get(this) ?? []), e])
      return originals[m].apply(this, a)
    }
  }
})
afterAll(async () => {
  Object.assign(proto, originals)
  await p?.close()
})

describe('order submit round trips (PostgreSQL)', () => {
  it('reaches the database in three round trips', async ({ skip }) => {
    if (!p) return skip()
    const k = p.db.knex
    const [wh] = (await k('warehouses').insert({ code: 'WH-RT', name: 'RT' }).returning('id')) as Array<{
      id: number
    }>
    const [cat] = (await k('product_categories')
      .insert({ code: 'CAT-RT', name: 'RT' })
      .returning('id')) as Array<{ id: number }>
    const [c] = (await k('customers').insert({ code: 'C-RT', name: 'RT' }).returning('id')) as Array<{
      id: number
    }>
    const [pr] = (await k('products')
      .insert({ sku: 'SKU-RT', name: 'RT', categoryId: cat!.id, listPrice: '2.50' })
      .returning('id')) as Array<{ id: number }>
    await k('stock_levels').insert({ productId: pr!.id, warehouseId: wh!.id, onHand: 10 })
    const submit = (id: number) =>
      p!.app.service('api/orders/:id/submit').create({}, { route: { id: String(id) } }) as Promise<{
        status: string
      }>
    const draft = async (n: number) => {
      const [o] = (await k('orders')
        .insert({ number: `RT-${n}`, customerId: c!.id, warehouseId: wh!.id, status: 'draft' })
        .returning('id')) as Array<{ id: number }>
      await k('order_lines').insert({ orderId: o!.id, productId: pr!.id, quantity: 1 })
      return o!.id
    }
    // the first submit prepares the statements on its connection
    await submit(await draft(1))
    let socket: unknown
    const stop = ordersApi(p.app).addTransitionHook({
      actions: ['submit'],
      async after(ctx) {
        socket = (
          await (
            ctx.trx.client as { acquireConnection(): Promise<{ connection: { stream: unknown } }> }
          ).acquireConnection()
        ).connection.stream
      },
    })
    const id = await draft(2)
    log.clear()
    recording = true
    try {
      expect((await submit(id)).status).toBe('submitted')
    } finally {
      recording = false
      stop()
    }
    const events = log.get(socket) ?? []
    const trips = events.filter((e, i) => e === 'w' && events[i - 1] !== 'w').length
    expect(trips, events.join('')).toBe(3)
    expect(await k('stock_levels').where({ productId: pr!.id }).first('reserved')).toEqual({ reserved: 2 })
  })
})
