import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { connectDatabase, type Database } from '@plume/core/internal'
import { addStockChecks } from '../migrations/20260101000000-stock-level-checks.js'
import { reserveAtCommitMigration } from '../migrations/20261206000000-reserve-at-commit.js'
import { createInventoryApi } from '../stock.js'

// the inventory API against its own tables (no platform): PGlite in memory, minimal schema
let db: Database
const inv = createInventoryApi()
let productId: number
let wh1: number
let wh2: number

beforeAll(async () => {
  db = await connectDatabase({ dataDir: 'memory' })
  const k = db.knex
  await k.raw(`create table products (id serial primary key, sku text not null)`)
  await k.raw(`create table warehouses (id serial primary key, code text not null)`)
  await k.raw(`create table stock_levels (id serial primary key, "productId" int not null, "warehouseId" int not null, "onHand" int not null default 0, reserved int not null default 0,
    version int not null default 1, "updatedAt" timestamptz not null default now(), unique ("productId", "warehouseId"))`)
  await k.raw(`create table stock_movements (id serial primary key, "productId" int not null, "warehouseId" int not null, quantity int not null, kind varchar(20) not null,
    reference varchar(100), "orderId" int, note varchar(500), "occurredAt" timestamptz not null)`)
  await addStockChecks(k)
  await addStockChecks(k) // idempotent
  await k.transaction((trx) => reserveAtCommitMigration.up({} as never, trx))
  productId = ((await k('products').insert({ sku: 'SKU-1' }).returning('id')) as Array<{ id: number }>)[0]!.id
  const whs = (await k('warehouses')
    .insert([{ code: 'WH-A' }, { code: 'WH-B' }])
    .returning('id')) as Array<{ id: number }>
  wh1 = whs[0]!.id
  wh2 = whs[1]!.id
})
afterAll(async () => db?.close())
beforeEach(async () => {
  await db.knex('stock_movements').delete()
  await db.knex('stock_levels').delete()
})

const tx = <T>(fn: Parameters<typeof db.knex.transaction<T>>[0]) => db.knex.transaction(fn)
const ledger = async () =>
  (await db.knex('stock_movements').select('kind', 'quantity', 'warehouseId').orderBy('id')) as Array<{
    kind: string
    quantity: number
    warehouseId: number
  }>

describe('inventory API', () => {
  it('receives, reserves, ships and releases with one ledger row each', async () => {
    await tx((trx) => inv.receive(trx, { productId, warehouseId: wh1, quantity: 10, reference: 'PO-1' }))
    const r = await tx((trx) => inv.reserve(trx, { productId, warehouseId: wh1, quantity: 4, orderId: 1 }))
    expect(r).toMatchObject({ onHand: 10, reserved: 4, available: 6 })
    await tx((trx) => inv.ship(trx, { productId, warehouseId: wh1, quantity: 3, orderId: 1 }))
    const after = await tx((trx) =>
      inv.release(trx, { productId, warehouseId: wh1, quantity: 1, orderId: 1 }),
    )
    expect(after).toMatchObject({ onHand: 7, reserved: 0, available: 7 })
    expect((await ledger()).map((m) => [m.kind, m.quantity])).toEqual([
      ['receipt', 10],
      ['reservation', 4],
      ['shipment', -3],
      ['release', -1],
    ])
  })

  it('reserves at commit: nothing shows before, lines of a product add up, one ledger row per line', async () => {
    const other = (
      (await db.knex('products').insert({ sku: 'SKU-2' }).returning('id')) as Array<{ id: number }>
    )[0]!.id
    await tx((trx) => inv.receive(trx, { productId, warehouseId: wh1, quantity: 5 }))
    await tx((trx) => inv.receive(trx, { productId: other, warehouseId: wh1, quantity: 5 }))
    const lines = [
      { productId: other, warehouseId: wh1, quantity: 1, orderId: 9, reference: 'SO-9' },
      { productId, warehouseId: wh1, quantity: 2, orderId: 9, reference: 'SO-9' },
      { productId, warehouseId: wh1, quantity: 3, orderId: 9, reference: 'SO-9' },
    ]
    await tx(async (trx) => {
      await inv.reserveAtCommit(trx, lines)
      // staged only: the levels change as the transaction commits
      expect(Number(((await trx('stock_levels').sum({ r: 'reserved' }).first()) as { r: string }).r)).toBe(0)
    })
    const levels = (await db
      .knex('stock_levels')
      .orderBy('productId')
      .select('productId', 'onHand', 'reserved')) as Array<{ productId: number; reserved: number }>
    expect(levels.map((l) => [l.productId, l.reserved])).toEqual([
      [productId, 5],
      [other, 1],
    ])
    expect((await ledger()).filter((m) => m.kind === 'reservation').map((m) => m.quantity)).toEqual([2, 3, 1])
    expect(
      Number(
        ((await db.knex('plume_stock_reservations_pending').count({ n: '*' }).first()) as { n: string }).n,
      ),
    ).toBe(0)
    // short: the commit fails with the summed request, and nothing of the transaction stays
    const failed = await tx((trx) =>
      inv.reserveAtCommit(trx, [
        { productId: other, warehouseId: wh1, quantity: 4 },
        { productId: other, warehouseId: wh1, quantity: 1 },
      ]),
    ).then(
      () => undefined,
      (err: { code?: string; detail?: string }) => err,
    )
    expect(failed?.code).toBe('PC409')
    expect(JSON.parse(failed?.detail ?? '{}')).toEqual({
      message: 'Insufficient stock for product SKU-2 in warehouse WH-A: requested 5, available 4',
      data: { productId: other, warehouseId: wh1, requested: 5, available: 4 },
    })
    expect((await ledger()).filter((m) => m.kind === 'reservation').length).toBe(3)
  })

  it('refuses to oversell with the figures in the message, and writes nothing', async () => {
    await tx((trx) => inv.receive(trx, { productId, warehouseId: wh1, quantity: 1 }))
    await expect(tx((trx) => inv.reserve(trx, { productId, warehouseId: wh1, quantity: 3 }))).rejects.toThrow(
      'Insufficient stock for product SKU-1 in warehouse WH-A: requested 3, available 1',
    )
    await expect(tx((trx) => inv.reserve(trx, { productId, warehouseId: wh2, quantity: 1 }))).rejects.toThrow(
      'Insufficient stock for product SKU-1 in warehouse WH-B: requested 1, available 0',
    )
    expect((await ledger()).length).toBe(1)
  })

  it('never lets an adjustment take reserved stock, nor a release or shipment exceed the reservation', async () => {
    await tx((trx) => inv.receive(trx, { productId, warehouseId: wh1, quantity: 5 }))
    await tx((trx) => inv.reserve(trx, { productId, warehouseId: wh1, quantity: 4 }))
    await expect(
      tx((trx) => inv.adjust(trx, { productId, warehouseId: wh1, quantity: -2, note: 'broken' })),
    ).rejects.toThrow(/only 1 on hand are not reserved/)
    expect(
      await tx((trx) => inv.adjust(trx, { productId, warehouseId: wh1, quantity: -1, note: 'broken' })),
    ).toMatchObject({ onHand: 4, reserved: 4 })
    await expect(tx((trx) => inv.release(trx, { productId, warehouseId: wh1, quantity: 5 }))).rejects.toThrow(
      /only 4 reserved/,
    )
    await expect(tx((trx) => inv.ship(trx, { productId, warehouseId: wh1, quantity: 5 }))).rejects.toThrow(
      /only 4 reserved/,
    )
    await expect(tx((trx) => inv.adjust(trx, { productId, warehouseId: wh1, quantity: 0 }))).rejects.toThrow(
      /non-zero/,
    )
    await expect(
      tx((trx) => inv.reserve(trx, { productId, warehouseId: wh1, quantity: 1.5 })),
    ).rejects.toThrow(/positive whole number/)
  })

  it('transfers free stock between warehouses as two ledger rows', async () => {
    await tx((trx) => inv.receive(trx, { productId, warehouseId: wh1, quantity: 6 }))
    const t = await tx((trx) =>
      inv.transfer(trx, {
        productId,
        fromWarehouseId: wh1,
        toWarehouseId: wh2,
        quantity: 4,
        reference: 'TR-1',
      }),
    )
    expect([t.from.onHand, t.to.onHand]).toEqual([2, 4])
    expect((await ledger()).slice(1).map((m) => [m.kind, m.quantity, m.warehouseId])).toEqual([
      ['transfer_out', -4, wh1],
      ['transfer_in', 4, wh2],
    ])
    await expect(
      tx((trx) => inv.transfer(trx, { productId, fromWarehouseId: wh1, toWarehouseId: wh1, quantity: 1 })),
    ).rejects.toThrow(/same/)
    expect(await inv.available(db.knex, productId, wh2)).toBe(4)
  })

  it('the database refuses what the API would never do', async () => {
    await tx((trx) => inv.receive(trx, { productId, warehouseId: wh1, quantity: 2 }))
    await expect(db.knex('stock_levels').update({ reserved: 3 })).rejects.toThrow(
      /stock_levels_reserved_within_on_hand/,
    )
    await expect(db.knex('stock_levels').update({ onHand: -1 })).rejects.toThrow(
      /stock_levels_on_hand_not_negative|stock_levels_reserved/,
    )
  })
})
