import type { Knex } from 'knex'
import { createDemoUsers } from '@plume/core'
import { demoLogins } from '@plume/core/internal'
import type { TestPlatform } from '@plume/core/testing'
import { client, created, expectStatus, type Api, type BizFixture } from '../marketing/fixtures.js'

export const WEEK_MS = 7 * 86_400_000

/** Shipment history in the stock ledger: `units[i]` shipped in the i-th of the complete weeks before now (oldest first). */
export async function shipmentHistory(
  knex: Knex,
  productId: number,
  warehouseId: number,
  units: number[],
): Promise<void> {
  const thisWeek = Math.floor(Date.now() / WEEK_MS) * WEEK_MS
  const rows = units
    .map((q, i) => ({
      productId,
      warehouseId,
      quantity: -q,
      kind: 'shipment',
      occurredAt: new Date(thisWeek - (units.length - i) * WEEK_MS + 3_600_000).toISOString(),
      reference: 'history',
    }))
    .filter((r) => r.quantity !== 0)
  for (let i = 0; i < rows.length; i += 200) await knex('stock_movements').insert(rows.slice(i, i + 200))
}

/** A product with a preferred supplier item (lead time in days) and `onHand` units in the fixture's warehouse. */
export async function suppliedProduct(
  f: BizFixture,
  supplierId: number,
  sku: string,
  o: { leadTimeDays: number; onHand: number; packSize?: number; moq?: number },
): Promise<number> {
  const productId = await created(f.api, '/api/products', {
    sku,
    name: sku,
    categoryId: f.categories.parts,
    listPrice: '10.00',
    cost: '4.00',
    taxRate: 13,
  })
  await created(f.api, '/api/supplier-items', {
    supplierId,
    productId,
    supplierSku: `S-${sku}`,
    price: '4.0000',
    packSize: o.packSize ?? 1,
    moq: o.moq ?? 0,
    leadTimeDays: o.leadTimeDays,
    preferred: true,
  })
  if (o.onHand > 0)
    await expectStatus(f.api, 201, 'POST', '/api/stock-receipts', {
      productId,
      warehouseId: f.warehouseId,
      quantity: o.onHand,
    })
  return productId
}

/** A signed-in user with the given roles (and partner), as an HTTP client. */
export async function userClient(
  p: TestPlatform,
  f: BizFixture,
  email: string,
  roles: string[],
  partnerId?: number,
): Promise<Api> {
  const password = 'User-Secret-12345'
  const r = await p.http(
    'POST',
    '/api/users',
    { email, name: email.split('@')[0], password, roles, locale: 'en', ...(partnerId ? { partnerId } : {}) },
    f.token,
  )
  if (r.status !== 201) throw new Error(`user ${email} → ${r.status} ${JSON.stringify(r.body)}`)
  return client(p, await p.login(email, password))
}

/**
 * A signed-in buyer (role `purchaser`): created in process as the demo seed does, since the users
 * API's role list does not offer it (see the report of #20).
 */
export async function buyerClient(p: TestPlatform, email: string): Promise<Api> {
  await createDemoUsers(p.app, [{ email, name: 'Buyer', roles: ['purchaser'] }])
  return client(p, await p.login(email, demoLogins(p.app).password))
}
