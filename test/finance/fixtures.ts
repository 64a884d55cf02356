import type { TestPlatform } from '@plume/core/testing'
import { ordersApi, type OrderAction } from '@plume/plugin-orders'

export interface FinanceFixture {
  token: string
  warehouseId: number
  products: { widget: number; gadget: number }
  priceListId: number
  priceItemId: number
  partnerId: number
  /** Served by the partner, 30 days terms. */
  customerId: number
  /** Direct customer, 14 days terms. */
  otherCustomerId: number
}

type Row = Record<string, unknown>

/** `POST` over HTTP that fails loudly unless 201; returns the body. */
export async function post(p: TestPlatform, token: string, path: string, body: unknown): Promise<Row> {
  const r = await p.http('POST', path, body, token)
  if (r.status !== 201) throw new Error(`POST ${path} → ${r.status} ${JSON.stringify(r.body)}`)
  return r.body as Row
}

/**
 * A catalogue with stock, a partner price list, a partner customer (30 days terms) and a direct
 * customer (14 days terms), built over HTTP as an admin would.
 */
export async function financeFixture(p: TestPlatform, tag: string): Promise<FinanceFixture> {
  const token = await p.login()
  const id = async (path: string, body: unknown) => (await post(p, token, path, body)).id as number
  const warehouseId = await id('/api/warehouses', { code: `WH-${tag}`, name: `Warehouse ${tag}` })
  const categoryId = await id('/api/product-categories', { code: `CAT-${tag}`, name: 'Finance test' })
  const widget = await id('/api/products', {
    sku: `SKU-${tag}-W`,
    name: 'Widget',
    categoryId,
    listPrice: '10.00',
    taxRate: 13,
  })
  const gadget = await id('/api/products', {
    sku: `SKU-${tag}-G`,
    name: 'Gadget',
    categoryId,
    listPrice: '99.99',
    taxRate: 13,
  })
  for (const productId of [widget, gadget])
    await post(p, token, '/api/stock-receipts', { productId, warehouseId, quantity: 5000, reference: 'PO-1' })
  const priceListId = await id('/api/price-lists', {
    code: `PL-${tag}`,
    name: 'Partner prices',
    currency: 'CNY',
  })
  const priceItemId = await id('/api/price-list-items', { priceListId, productId: widget, unitPrice: '8.33' })
  await id('/api/price-list-items', { priceListId, productId: widget, unitPrice: '7.77', minQuantity: 10 })
  await id('/api/price-list-items', { priceListId, productId: gadget, unitPrice: '89.95' })
  const tierId = await id('/api/partner-tiers', { code: `T-${tag}`, name: 'Gold', rank: 1 })
  const partnerId = await id('/api/partners', {
    code: `p-${tag}`.toLowerCase(),
    name: `Partner ${tag}`,
    kind: 'distributor',
    tierId,
    priceListId,
  })
  const customerId = await id('/api/customers', {
    code: `c-${tag}`.toLowerCase(),
    name: `Customer ${tag}`,
    partnerId,
    paymentTermsDays: 30,
  })
  const otherCustomerId = await id('/api/customers', {
    code: `d-${tag}`.toLowerCase(),
    name: `Direct ${tag}`,
    paymentTermsDays: 14,
  })
  return {
    token,
    warehouseId,
    products: { widget, gadget },
    priceListId,
    priceItemId,
    partnerId,
    customerId,
    otherCustomerId,
  }
}

const PATH: Record<string, OrderAction[]> = {
  submitted: ['submit'],
  approved: ['submit', 'approve'],
  shipped: ['submit', 'approve', 'ship'],
  delivered: ['submit', 'approve', 'ship', 'deliver'],
  closed: ['submit', 'approve', 'ship', 'deliver', 'close'],
}

/**
 * An order created in-process and moved through the orders plugin's actions to `status`.
 * @example const o = await orderIn(p, f, 'delivered', [{ productId: f.products.widget, quantity: 3 }])
 */
export async function orderIn(
  p: TestPlatform,
  f: FinanceFixture,
  status: keyof typeof PATH,
  lines: Array<{ productId: number; quantity: number }>,
  customerId = f.customerId,
): Promise<Row & { id: number; number: string; total: string }> {
  const order = (await p.app
    .service('api/orders')
    .create({ customerId, warehouseId: f.warehouseId, lines })) as { id: number }
  const orders = ordersApi(p.app)
  let row: Row = order
  for (const action of PATH[status]!)
    row = await p.db.knex.transaction((trx) => orders.transition(trx, order.id, action))
  return row as Row & { id: number; number: string; total: string }
}

/**
 * After a long in-process stretch, fetch may reuse a keep-alive socket the server already closed
 * (ECONNRESET on the first request). One throwaway request drops such sockets before a burst.
 */
export async function warmUp(p: TestPlatform): Promise<void> {
  for (let i = 0; i < 3; i++)
    if (
      await p.http('GET', '/health').then(
        () => true,
        () => false,
      )
    )
      return
}
