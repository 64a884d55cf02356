import { Decimal } from 'decimal.js'
import type { TestPlatform } from '@plume/core/testing'

export type Api = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => ReturnType<TestPlatform['http']>

/** An HTTP helper bound to a token. */
export function client(p: TestPlatform, token: string): Api {
  return (method, path, body, headers) => p.http(method, path, body, token, headers)
}

/** POST that must answer 201; returns the new id. */
export async function created(api: Api, path: string, body: unknown): Promise<number> {
  const r = await api('POST', path, body)
  if (r.status !== 201) throw new Error(`POST ${path} → ${r.status} ${JSON.stringify(r.body)}`)
  return r.body.id as number
}

/** A call that must answer `status`; returns the body. */
export async function expectStatus(
  api: Api,
  status: number,
  method: string,
  path: string,
  body?: unknown,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<any> {
  const r = await api(method, path, body)
  if (r.status !== status)
    throw new Error(`${method} ${path} → ${r.status} (expected ${status}) ${JSON.stringify(r.body)}`)
  return r.body
}

/** A small business built over HTTP: two categories, products with costs and stock, tiers, a partner, customers. */
export interface BizFixture {
  api: Api
  token: string
  warehouseId: number
  categories: { tools: number; parts: number }
  /** drill 100.00 (cost 60.00, tools), bolt 2.50 (cost 1.00, parts), saw 40.00 (cost 0.00, tools); all VAT 13%. */
  products: { drill: number; bolt: number; saw: number }
  tiers: { gold: number; silver: number }
  segmentId: number
  partnerId: number
  /** Customer of the partner, in the segment. */
  customerId: number
  /** Direct customer, no partner, no segment. */
  directCustomerId: number
}

export async function bizFixture(p: TestPlatform, tag: string): Promise<BizFixture> {
  const token = await p.login()
  const api = client(p, token)
  const warehouseId = await created(api, '/api/warehouses', { code: `WH-${tag}`, name: `Warehouse ${tag}` })
  const categories = {
    tools: await created(api, '/api/product-categories', { code: `TOOLS-${tag}`, name: 'Tools' }),
    parts: await created(api, '/api/product-categories', { code: `PARTS-${tag}`, name: 'Parts' }),
  }
  const product = (sku: string, categoryId: number, listPrice: string, cost: string) =>
    created(api, '/api/products', {
      sku: `${tag}-${sku}`,
      name: sku,
      categoryId,
      listPrice,
      cost,
      taxRate: 13,
    })
  const products = {
    drill: await product('DRILL', categories.tools, '100.00', '60.00'),
    bolt: await product('BOLT', categories.parts, '2.50', '1.00'),
    saw: await product('SAW', categories.tools, '40.00', '0.00'),
  }
  for (const id of Object.values(products))
    await expectStatus(api, 201, 'POST', '/api/stock-receipts', {
      productId: id,
      warehouseId,
      quantity: 10000,
      reference: 'PO-1',
    })
  const tiers = {
    gold: await created(api, '/api/partner-tiers', { code: `GOLD-${tag}`, name: 'Gold', rank: 2 }),
    silver: await created(api, '/api/partner-tiers', { code: `SILVER-${tag}`, name: 'Silver', rank: 1 }),
  }
  const segmentId = await created(api, '/api/segments', { code: `SEG-${tag}`, name: 'Workshops' })
  const partnerId = await created(api, '/api/partners', {
    code: `P-${tag}`,
    name: `Partner ${tag}`,
    kind: 'distributor',
    tierId: tiers.gold,
  })
  const customerId = await created(api, '/api/customers', {
    code: `C-${tag}`,
    name: `Customer ${tag}`,
    partnerId,
    segmentId,
  })
  const directCustomerId = await created(api, '/api/customers', { code: `D-${tag}`, name: `Direct ${tag}` })
  return {
    api,
    token,
    warehouseId,
    categories,
    products,
    tiers,
    segmentId,
    partnerId,
    customerId,
    directCustomerId,
  }
}

/** Creates a draft order with lines; returns the order body with its lines. */
export async function draftOrder(
  f: BizFixture,
  customerId: number,
  lines: Array<{ productId: number; quantity: number }>,
  extra: Record<string, unknown> = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<any> {
  return expectStatus(f.api, 201, 'POST', '/api/orders', {
    customerId,
    warehouseId: f.warehouseId,
    lines,
    ...extra,
  })
}

/** Independent arithmetic for assertions: cents, half up. */
const D = Decimal.clone({ precision: 34, rounding: Decimal.ROUND_HALF_UP })
export const cents = (v: Decimal.Value): string =>
  new D(v).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2)
export const dsum = (...vs: Decimal.Value[]): string =>
  cents(vs.reduce<Decimal>((s, v) => s.plus(v), new D(0)))

/** What a line and an order should come to: gross = unit × qty, net = gross − discount, tax = net × rate%. */
export function expectedOrder(lines: Array<{ unit: string; qty: number; discount: string; rate?: number }>) {
  const figures = lines.map((l) => {
    const gross = new D(cents(new D(l.unit).times(l.qty)))
    const net = gross.minus(l.discount)
    const tax = new D(cents(net.times(l.rate ?? 13).div(100)))
    return { gross, net, tax, lineTotal: cents(net), taxAmount: cents(tax), discount: cents(l.discount) }
  })
  const subtotal = figures.reduce((s, f) => s.plus(f.gross), new D(0))
  const net = figures.reduce((s, f) => s.plus(f.net), new D(0))
  const tax = figures.reduce((s, f) => s.plus(f.tax), new D(0))
  return {
    lines: figures.map((f) => ({ discount: f.discount, lineTotal: f.lineTotal, taxAmount: f.taxAmount })),
    subtotal: cents(subtotal),
    discountTotal: cents(subtotal.minus(net)),
    taxTotal: cents(tax),
    total: cents(net.plus(tax)),
  }
}
