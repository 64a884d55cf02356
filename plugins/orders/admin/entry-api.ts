/** What the order entry screen asks the server: products by SKU, barcode or text, quotes, an order's lines. */
import {
  api,
  centsToString,
  knownTitle,
  rememberTitle,
  titleField,
  toCents,
  useMeta,
  type Row,
} from '@plume/admin-ui/kit'
import type { EntryProduct, ServerLine } from './lines'

const PRODUCT_FIELDS = ['id', 'sku', 'name', 'unit', 'listPrice', 'taxRate', 'barcode', 'active']
/** The server's `$in` takes at most 500 values. */
const CHUNK = 500

const asProduct = (r: Row): EntryProduct => ({
  id: r.id,
  sku: String(r.sku),
  name: String(r.name ?? ''),
  unit: String(r.unit ?? ''),
  listPrice: String(r.listPrice ?? '0.00'),
  taxRate: String(r.taxRate ?? '0'),
})

const chunks = <T>(list: T[]): T[][] =>
  Array.from({ length: Math.ceil(list.length / CHUNK) }, (_, i) => list.slice(i * CHUNK, (i + 1) * CHUNK))

/** Products whose SKU or barcode is one of `codes` (exact), by the code that found them. */
export async function productsByCode(codes: string[]): Promise<Map<string, EntryProduct>> {
  const wanted = [...new Set(codes.map((c) => c.trim()).filter(Boolean))]
  const found = new Map<string, EntryProduct>()
  for (const part of chunks(wanted)) {
    const res = await api.find('products', {
      $or: [{ sku: { $in: part } }, { barcode: { $in: part } }],
      active: true,
      $select: PRODUCT_FIELDS,
      $limit: part.length * 2,
      $total: false,
    })
    for (const r of res.data) {
      const p = asProduct(r)
      found.set(p.sku, p)
      if (typeof r.barcode === 'string' && r.barcode) found.set(r.barcode, p)
    }
  }
  // SKUs are matched as typed first, then without regard to case
  const lower = new Map([...found.entries()].map(([k, v]) => [k.toLowerCase(), v]))
  return new Map(
    wanted.flatMap((c) => {
      const p = found.get(c) ?? lower.get(c.toLowerCase())
      return p ? [[c, p] as [string, EntryProduct]] : []
    }),
  )
}

/** Up to 20 active products whose SKU, name or barcode contains `text`. */
export async function searchProducts(text: string): Promise<EntryProduct[]> {
  const like = { $ilike: `%${text.trim().replace(/[%_\\]/g, (c) => `\\${c}`)}%` }
  const query = text.trim() ? { $or: [{ sku: like }, { name: like }, { barcode: like }] } : {}
  const res = await api.find('products', {
    ...query,
    active: true,
    $select: PRODUCT_FIELDS,
    $sort: { sku: 1 },
    $limit: 20,
    $total: false,
  })
  return res.data.map(asProduct)
}

/** Products by id (for the lines of a saved order). */
export async function productsById(ids: number[]): Promise<Map<number, EntryProduct>> {
  const out = new Map<number, EntryProduct>()
  for (const part of chunks([...new Set(ids)])) {
    const res = await api.find('products', {
      id: { $in: part },
      $select: PRODUCT_FIELDS,
      $limit: part.length,
      $total: false,
    })
    for (const r of res.data) out.set(r.id, asProduct(r))
  }
  return out
}

export interface QuoteAnswer {
  partnerId: number | null
  currency: string
  lines: ServerLine[]
  adjustments: Array<{ kind: string; amount: string; description?: string }>
  subtotal: string
  discountTotal: string
  taxTotal: string
  total: string
}

/** `POST /api/order-quotes`: the prices this buyer pays, nothing written. */
export function quote(body: {
  customerId?: number
  partnerId?: number | null
  warehouseId?: number
  lines: Array<{ productId: number; quantity: number }>
}): Promise<QuoteAnswer> {
  return api.create<QuoteAnswer>('order-quotes', body as Record<string, unknown>)
}

/** The order-level discount of a quote (order promotions), as a decimal string. */
export function orderDiscountOf(q: Pick<QuoteAnswer, 'adjustments'> | undefined): string {
  let cents = 0n
  for (const a of q?.adjustments ?? []) {
    if (a.kind === 'discount') cents += toCents(a.amount)
    else if (a.kind === 'surcharge') cents -= toCents(a.amount)
  }
  return centsToString(cents)
}

/** The columns of an order line the screens read. */
export const LINE_FIELDS = [
  'id',
  'productId',
  'quantity',
  'unitPrice',
  'listPrice',
  'discount',
  'taxRate',
  'taxAmount',
  'lineTotal',
  'pricingAdjustments',
]

/**
 * The lines of an order, oldest first: the first page at once (it says how many there are), and
 * `more`, the other pages asked for together.
 */
export async function orderLines(orderId: number): Promise<{ rows: Row[]; more: Promise<Row[]> }> {
  const query = { orderId, $sort: { id: 1 }, $select: LINE_FIELDS }
  const first = await api.find('order-lines', { ...query, $limit: CHUNK })
  const skips = Array.from(
    { length: Math.max(0, Math.ceil(first.total / CHUNK) - 1) },
    (_, k) => (k + 1) * CHUNK,
  )
  const more = Promise.all(
    skips.map((skip) => api.find('order-lines', { ...query, $limit: CHUNK, $skip: skip, $total: false })),
  ).then((pages) => pages.flatMap((p) => p.data))
  return { rows: first.data, more }
}

/**
 * A saved order as the entry screen opens it, in two rounds: the order and the first page of its
 * lines, then the other pages and the products of the first page together; the header's titles
 * are asked for as soon as the order is there. Products of later pages not yet known follow.
 */
export async function savedOrder(
  orderId: number,
): Promise<{ order: Row; lines: Row[]; products: Map<number, EntryProduct> }> {
  const order = api.get('orders', orderId)
  const titles = order.then((o) =>
    rememberTitles([
      ['customer', o.customerId],
      ['partner', o.partnerId],
      ['warehouse', o.warehouseId],
    ]),
  )
  // handled below; not reported as unhandled when the lines fail first
  titles.catch(() => undefined)
  const { rows, more } = await orderLines(orderId)
  const [rest, products] = await Promise.all([more, productsById(rows.map((r) => Number(r.productId)))])
  const missing = rest.map((r) => Number(r.productId)).filter((id) => !products.has(id))
  if (missing.length) for (const [id, p] of await productsById(missing)) products.set(id, p)
  const [o] = await Promise.all([order, titles])
  return { order: o, lines: [...rows, ...rest], products }
}

/**
 * Titles of the records the header refers to, known before the pickers show them (a picker
 * shows the title it knows when its value is set); those already known are not asked for again.
 */
export async function rememberTitles(refs: Array<[entity: string, id: unknown]>): Promise<void> {
  const meta = useMeta()
  await Promise.all(
    refs.map(async ([name, id]) => {
      const target = meta.byName.get(name)
      // the order's page showed them already: no request
      if (!target || typeof id !== 'number' || knownTitle(target, id) !== undefined) return
      const tf = titleField(target)
      try {
        const res = await api.find(target.plural, {
          id,
          $select: tf === 'id' ? ['id'] : ['id', tf],
          $limit: 1,
          $total: false,
        })
        if (res.data[0]) rememberTitle(target, res.data[0])
      } catch {
        /* not readable: the picker shows the id */
      }
    }),
  )
}
