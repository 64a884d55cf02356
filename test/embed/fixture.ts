import type { TestPlatform } from '@plume/core/testing'
import { client, created, loopFixture, type LoopFixture } from '../orders/fixtures.js'

export const SHOP_A = 'https://shop-a.test'
export const SHOP_B = 'https://shop-b.test'

export interface EmbedFixture extends LoopFixture {
  /** Partner B: its own price list (widget at 6.66), customer and a submitted order. */
  other: { partnerId: number; customerId: number; orderId: number }
  /** A second customer of partner A, with an order of its own. */
  sibling: { customerId: number; orderId: number }
  pkA: string
  skA: string
  skAId: number
  pkB: string
}

const keyOf = async (p: TestPlatform, token: string, body: Record<string, unknown>) => {
  const r = await p.http('POST', '/api/api-keys', body, token)
  if (r.status !== 201) throw new Error(`api key → ${r.status} ${JSON.stringify(r.body)}`)
  return r.body as { id: number; key: string }
}

/** Two partners with their own prices, customers and orders, and their publishable / secret keys. */
export async function embedFixture(p: TestPlatform, tag: string): Promise<EmbedFixture> {
  const f = await loopFixture(p, tag)
  const api = client(p, f.token)
  const tierId = ((await p.db.knex('partner_tiers').first('id')) as { id: number }).id
  const listB = await created(api, '/api/price-lists', {
    code: `PLB-${tag}`,
    name: 'Partner B prices',
    currency: 'CNY',
  })
  await created(api, '/api/price-list-items', {
    priceListId: listB,
    productId: f.products.widget,
    unitPrice: '6.66',
  })
  const partnerB = await created(api, '/api/partners', {
    code: `PB-${tag}`,
    name: `Partner B ${tag}`,
    kind: 'reseller',
    tierId,
    priceListId: listB,
  })
  const customerB = await created(api, '/api/customers', {
    code: `CB-${tag}`,
    name: `Customer B ${tag}`,
    partnerId: partnerB,
  })
  const order = (customerId: number) =>
    created(api, '/api/orders', {
      customerId,
      warehouseId: f.warehouseId,
      lines: [{ productId: f.products.widget, quantity: 2 }],
    })
  const orderB = await order(customerB)
  const sibling = await created(api, '/api/customers', {
    code: `CS-${tag}`,
    name: `Sibling ${tag}`,
    partnerId: f.partnerId,
  })
  const siblingOrder = await order(sibling)
  const pkA = await keyOf(p, f.token, {
    name: 'Shop A widgets',
    kind: 'publishable',
    partnerId: f.partnerId,
    allowedOrigins: [SHOP_A],
  })
  const skA = await keyOf(p, f.token, {
    name: 'Shop A server',
    kind: 'secret',
    partnerId: f.partnerId,
    roles: ['partner_user'],
    allowedOrigins: [SHOP_A],
  })
  const pkB = await keyOf(p, f.token, {
    name: 'Shop B widgets',
    kind: 'publishable',
    partnerId: partnerB,
    allowedOrigins: [SHOP_B],
  })
  return {
    ...f,
    other: { partnerId: partnerB, customerId: customerB, orderId: orderB },
    sibling: { customerId: sibling, orderId: siblingOrder },
    pkA: pkA.key,
    skA: skA.key,
    skAId: skA.id,
    pkB: pkB.key,
  }
}

/** Calls the platform as a partner's web page would: with a key or session, from an origin. */
export function embedCaller(p: TestPlatform, origin: string | undefined) {
  const headers = (auth: { pk?: string; sk?: string; session?: string }) => ({
    ...(origin ? { origin } : {}),
    ...(auth.pk ? { 'x-api-key': auth.pk } : {}),
    ...(auth.sk ? { 'x-api-key': auth.sk } : {}),
    ...(auth.session ? { authorization: `Bearer ${auth.session}` } : {}),
  })
  return (
    method: string,
    path: string,
    auth: { pk?: string; sk?: string; session?: string },
    body?: unknown,
  ) => p.http(method, path, body, undefined, headers(auth))
}

/** Mints an embed session with partner A's secret key, as its server would (no Origin). */
export async function mintSession(p: TestPlatform, sk: string, body: Record<string, unknown>) {
  return p.http('POST', '/api/embed-sessions', body, undefined, { 'x-api-key': sk })
}
