import type { TestPlatform } from '@plume/core/testing'

/** What one business scenario needs: a catalogue, stock, a partner with its price list, a customer. */
export interface LoopFixture {
  token: string
  warehouseId: number
  products: { widget: number; gadget: number; scarce: number }
  priceListId: number
  partnerId: number
  customerId: number
  partnerEmail: string
  partnerPassword: string
}

export type Api = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => ReturnType<TestPlatform['http']>

/** An HTTP helper bound to a token that fails loudly on an unexpected status. */
export function client(p: TestPlatform, token: string): Api {
  return (method, path, body, headers) => p.http(method, path, body, token, headers)
}

export async function created(api: Api, path: string, body: unknown): Promise<number> {
  const r = await api('POST', path, body)
  if (r.status !== 201) throw new Error(`POST ${path} → ${r.status} ${JSON.stringify(r.body)}`)
  return r.body.id as number
}

/**
 * Builds the scenario over HTTP as an admin would: warehouse, 3 products, stock receipts, a price
 * list with items, a tier, a partner using that list, its customer, and a partner user.
 */
export async function loopFixture(p: TestPlatform, tag: string): Promise<LoopFixture> {
  const token = await p.login()
  const api = client(p, token)
  const warehouseId = await created(api, '/api/warehouses', { code: `WH-${tag}`, name: `Warehouse ${tag}` })
  const categoryId = await created(api, '/api/product-categories', {
    code: `CAT-${tag}`,
    name: 'Test category',
  })
  const product = (sku: string, listPrice: string) =>
    created(api, '/api/products', { sku: `SKU-${tag}-${sku}`, name: sku, categoryId, listPrice, taxRate: 13 })
  const products = {
    widget: await product('W', '10.00'),
    gadget: await product('G', '99.99'),
    scarce: await product('S', '5.00'),
  }
  for (const [id, quantity] of [
    [products.widget, 100],
    [products.gadget, 50],
    [products.scarce, 1],
  ] as const) {
    const r = await api('POST', '/api/stock-receipts', {
      productId: id,
      warehouseId,
      quantity,
      reference: 'PO-1',
    })
    if (r.status !== 201) throw new Error(`receipt → ${r.status} ${JSON.stringify(r.body)}`)
  }
  const priceListId = await created(api, '/api/price-lists', {
    code: `PL-${tag}`,
    name: 'Partner prices',
    currency: 'CNY',
  })
  await created(api, '/api/price-list-items', { priceListId, productId: products.widget, unitPrice: '8.33' })
  await created(api, '/api/price-list-items', {
    priceListId,
    productId: products.widget,
    unitPrice: '7.77',
    minQuantity: 10,
  })
  await created(api, '/api/price-list-items', { priceListId, productId: products.gadget, unitPrice: '89.95' })
  const tierId = await created(api, '/api/partner-tiers', { code: `T-${tag}`, name: 'Gold', rank: 1 })
  const partnerId = await created(api, '/api/partners', {
    code: `p-${tag}`.toLowerCase(),
    name: `Partner ${tag}`,
    kind: 'distributor',
    tierId,
    priceListId,
  })
  const customerId = await created(api, '/api/customers', {
    code: `c-${tag}`.toLowerCase(),
    name: `Customer ${tag}`,
    partnerId,
  })
  const partnerEmail = `buyer-${tag.toLowerCase()}@partner.test`
  const partnerPassword = 'Partner-Secret-123'
  await created(api, '/api/users', {
    email: partnerEmail,
    name: 'Partner buyer',
    password: partnerPassword,
    roles: ['partner_user'],
    partnerId,
    locale: 'en',
  })
  return { token, warehouseId, products, priceListId, partnerId, customerId, partnerEmail, partnerPassword }
}

/** Stock figures of one product in one warehouse, read straight from the database. */
export async function stockOf(
  p: TestPlatform,
  productId: number,
  warehouseId: number,
): Promise<{ onHand: number; reserved: number }> {
  const row = (await p.db
    .knex('stock_levels')
    .select('onHand', 'reserved')
    .where({ productId, warehouseId })
    .first()) as { onHand: number; reserved: number }
  return row
}

/** Stock movements of one order, oldest first. */
export async function movementsOf(
  p: TestPlatform,
  orderId: number,
): Promise<Array<{ kind: string; quantity: number; productId: number; reference: string | null }>> {
  return (await p.db
    .knex('stock_movements')
    .select('kind', 'quantity', 'productId', 'reference')
    .where({ orderId })
    .orderBy('id')) as Array<{ kind: string; quantity: number; productId: number; reference: string | null }>
}
