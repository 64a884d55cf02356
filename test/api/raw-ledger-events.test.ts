/**
 * Stock levels and ledger rows written by raw SQL reach open screens like service writes do:
 * `created`/`patched` after the commit, filtered and masked per recipient, nothing for a rolled
 * back operation. Real socket.io clients (PGlite; PostgreSQL with DATABASE_URL).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { client, loopFixture, type Api, type LoopFixture } from '../orders/fixtures.js'
import { signedInSocket, type Inbox } from './sockets.js'

let p: TestPlatform
let f: LoopFixture
let admin: Api
let staff: Inbox
let partner: Inbox

beforeAll(async () => {
  p = await startTestPlatform({ demo: false })
  f = await loopFixture(p, 'RL')
  admin = client(p, f.token)
  staff = await signedInSocket(p, p.adminEmail, p.adminPassword)
  partner = await signedInSocket(p, f.partnerEmail, f.partnerPassword)
}, 400_000)
afterAll(async () => {
  staff?.close()
  partner?.close()
  await p?.close()
})

type Level = { id: number; productId: number; warehouseId: number; onHand: number }
const levelIn = (productId: number, warehouseId: number, onHand: number) => (d: Record<string, unknown>) =>
  d.productId === productId && d.warehouseId === warehouseId && d.onHand === onHand

describe('raw-SQL stock writes announce their records after the commit', { timeout: 400_000 }, () => {
  it('a receipt: the level patched and the ledger row created, to staff', async () => {
    const r = await admin('POST', '/api/stock-receipts', {
      productId: f.products.widget,
      warehouseId: f.warehouseId,
      quantity: 7,
      reference: 'RCPT-RL-1',
    })
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    const level = (await staff.until(
      'api/stock-levels patched',
      levelIn(f.products.widget, f.warehouseId, 107),
    )) as unknown as Level
    expect(level.id).toBeGreaterThan(0)
    const movement = await staff.until('api/stock-movements created', (d) => d.reference === 'RCPT-RL-1')
    expect(movement).toMatchObject({
      productId: f.products.widget,
      warehouseId: f.warehouseId,
      quantity: 7,
      kind: 'receipt',
    })
  })

  it('stock into a new warehouse: the level is created; a transfer announces both levels and both ledger rows', async () => {
    const wh = await admin('POST', '/api/warehouses', { code: 'WH-RL-2', name: 'Second' })
    const t = await admin('POST', '/api/stock-transfers', {
      productId: f.products.gadget,
      fromWarehouseId: f.warehouseId,
      toWarehouseId: wh.body.id,
      quantity: 3,
    })
    expect(t.status, JSON.stringify(t.body)).toBe(201)
    await staff.until('api/stock-levels created', levelIn(f.products.gadget, wh.body.id, 3))
    await staff.until('api/stock-levels patched', levelIn(f.products.gadget, f.warehouseId, 47))
    const kinds = await Promise.all(
      ['transfer_out', 'transfer_in'].map((kind) =>
        staff.until(
          'api/stock-movements created',
          (d) => d.reference === t.body.reference && d.kind === kind,
        ),
      ),
    )
    expect(kinds.map((m) => m.quantity)).toEqual([-3, 3])
  })

  it('a partner user gets the level masked by their grant, and no ledger rows (not readable to them)', async () => {
    const r = await admin('POST', '/api/stock-adjustments', {
      productId: f.products.scarce,
      warehouseId: f.warehouseId,
      quantity: 2,
      note: 'found two',
    })
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    const seen = await partner.until('api/stock-levels patched', levelIn(f.products.scarce, f.warehouseId, 3))
    expect(seen).not.toHaveProperty('reorderPoint')
    // the staff socket got the ledger row, emitted after the level: the partner's socket never does
    await staff.until('api/stock-movements created', (d) => d.note === 'found two')
    expect(partner.seen.filter((e) => e.name.startsWith('api/stock-movements'))).toEqual([])
  })

  it('an operation that fails announces nothing', async () => {
    const tooMuch = await admin('POST', '/api/stock-transfers', {
      productId: f.products.scarce,
      fromWarehouseId: f.warehouseId,
      toWarehouseId: f.warehouseId + 1000,
      quantity: 99,
    })
    expect(tooMuch.status).toBeGreaterThanOrEqual(400)
    const after = await admin('POST', '/api/stock-receipts', {
      productId: f.products.scarce,
      warehouseId: f.warehouseId,
      quantity: 1,
      reference: 'RCPT-RL-AFTER',
    })
    expect(after.status).toBe(201)
    await staff.until('api/stock-movements created', (d) => d.reference === 'RCPT-RL-AFTER')
    expect(
      staff.seen.filter(
        (e) =>
          e.name === 'api/stock-movements created' &&
          e.data.productId === f.products.scarce &&
          e.data.quantity === -99,
      ),
    ).toEqual([])
  })
})
