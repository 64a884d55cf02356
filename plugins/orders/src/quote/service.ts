import { BadRequest, Forbidden } from '@feathersjs/errors'
import type { HookContext, Params as FeathersParams } from '@feathersjs/feathers'
import { withCommitEvents, type PlumeApp, type PluginContext } from '@plume/core'
import type { Knex } from 'knex'
import type { Adjustment } from '../pricing/types.js'
import { PRICE_PREVIEW } from '../hooks/prepare-order.js'
import { orderQuoteDocs } from './docs.js'
import { readQuote, type QuoteInput } from './input.js'

/** One priced line of a quote. */
export interface QuoteLine {
  productId: number
  sku: string
  quantity: number
  listPrice: string
  unitPrice: string
  discount: string
  taxRate: string
  taxAmount: string
  lineTotal: string
  /** On hand minus reserved in the quote's warehouse (0 without a stock level). */
  available: number
  promotionId: number | null
  adjustments: Adjustment[]
}

export interface Quote {
  customerId: number | null
  partnerId: number | null
  warehouseId: number
  priceListId: number | null
  currency: string
  lines: QuoteLine[]
  /** Order-level adjustments (order promotions …). */
  adjustments: Adjustment[]
  subtotal: string
  discountTotal: string
  taxTotal: string
  total: string
}

/** Thrown at the end of the quote's transaction so everything it wrote rolls back. */
class QuoteDone extends Error {
  constructor(readonly quote: Quote) {
    super('quote computed (rolled back)')
  }
}

type Row = Record<string, unknown>
type Params = FeathersParams & { user?: unknown }
const callerOf = (params: Params) => ({
  provider: params.provider,
  user: params.user,
  authentication: (params as { authentication?: unknown }).authentication,
})
const partnerOfCaller = (params: Params) =>
  params.provider
    ? ((params.user as { partnerId?: number | null } | undefined)?.partnerId ?? undefined)
    : undefined

/** SKUs to product ids, through the products service with the caller's permissions. */
async function productIds(app: PlumeApp, input: QuoteInput, params: Params): Promise<number[]> {
  const skus = [...new Set(input.lines.flatMap((l) => (l.productId === undefined && l.sku ? [l.sku] : [])))]
  const bySku = new Map<string, number>()
  if (skus.length) {
    const found = (await app.service('api/products').find({
      ...callerOf(params),
      query: { sku: { $in: skus }, $select: ['id', 'sku'], $limit: skus.length },
    } as Params)) as { data: Array<{ id: number; sku: string }> }
    for (const p of found.data) bySku.set(p.sku, p.id)
  }
  return input.lines.map((l, i) => {
    if (l.productId !== undefined) return l.productId
    const id = bySku.get(l.sku!)
    if (id === undefined)
      throw new BadRequest(`Invalid data: lines/${i}/sku names no product`, {
        errors: [{ path: `/lines/${i}/sku`, message: 'names no product' }],
      })
    return id
  })
}

/**
 * Without a customer the quote prices as a customer of the partner with no contract list of its
 * own would buy: such a customer exists only inside the quote's (rolled back) transaction.
 */
async function standInCustomer(trx: Knex.Transaction, partnerId: number): Promise<number> {
  const [row] = (await trx('customers')
    .insert({
      code: `quote-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
      name: 'Price quote',
      partnerId,
    })
    .returning('id')) as Array<{ id: number }>
  return row!.id
}

async function available(
  trx: Knex.Transaction,
  warehouseId: number,
  productIds: number[],
): Promise<Map<number, number>> {
  const rows = (await trx('stock_levels')
    .select('productId')
    .select(trx.raw('"onHand" - reserved as available'))
    .where('warehouseId', warehouseId)
    .whereIn('productId', productIds)) as Array<{ productId: number; available: number | string }>
  return new Map(rows.map((r) => [Number(r.productId), Number(r.available)]))
}

const adjustmentsOf = (raw: unknown): Adjustment[] =>
  typeof raw === 'string' ? (JSON.parse(raw) as Adjustment[]) : ((raw as Adjustment[] | null) ?? [])

/**
 * Prices a would-be order: creates the draft through `POST /api/orders` (same hooks, price list
 * choice and pricing pipeline, the caller's permissions) inside a transaction that always rolls
 * back, so nothing is written and no event is sent.
 * @example await quoteOrder(app, { customerId: 3, lines: [{ sku: 'SKU-1', quantity: 2 }] }, params)
 */
export async function quoteOrder(app: PlumeApp, raw: unknown, params: Params): Promise<Quote> {
  const input = readQuote(raw)
  const callerPartner = partnerOfCaller(params)
  if (callerPartner && input.partnerId != null && input.partnerId !== callerPartner)
    throw new Forbidden('Partner users can only quote for their own partner')
  const ids = await productIds(app, input, params)
  const knex = app.get('db').knex
  try {
    await withCommitEvents(knex, async (trx) => {
      const partnerId = callerPartner ?? input.partnerId ?? undefined
      let customerId = input.customerId
      if (customerId === undefined) {
        if (!partnerId)
          throw new BadRequest(
            "Invalid data: customerId is required (or partnerId, to quote the partner's prices)",
            { errors: [{ path: '/customerId', message: 'is required' }] },
          )
        customerId = await standInCustomer(trx, partnerId)
      }
      const warehouseId =
        input.warehouseId ??
        ((await trx('warehouses').min('id as id').first()) as { id: number | null } | undefined)?.id
      if (!warehouseId)
        throw new BadRequest('Invalid data: warehouseId is required (there is no warehouse)', {
          errors: [{ path: '/warehouseId', message: 'is required' }],
        })
      const lines = input.lines.map((l, i) => ({
        productId: ids[i]!,
        quantity: l.quantity,
        ...(l.discount !== undefined ? { discount: l.discount } : {}),
      }))
      const body = {
        customerId,
        warehouseId,
        ...(input.partnerId !== undefined && !callerPartner ? { partnerId: input.partnerId } : {}),
        lines,
      }
      const order = (await app
        .service('api/orders')
        .create(body, { ...callerOf(params), transaction: trx, [PRICE_PREVIEW]: true } as Params)) as Row & {
        lines: Row[]
      }
      const stock = await available(trx, Number(order.warehouseId), ids)
      const skus = new Map(
        (
          (await trx('products').select('id', 'sku').whereIn('id', ids)) as Array<{ id: number; sku: string }>
        ).map((p) => [p.id, p.sku]),
      )
      throw new QuoteDone({
        customerId: input.customerId ?? null,
        partnerId: (order.partnerId as number | null) ?? null,
        warehouseId: Number(order.warehouseId),
        priceListId: (order.priceListId as number | null) ?? null,
        currency: String(order.currency),
        lines: order.lines.map((l) => ({
          productId: Number(l.productId),
          sku: skus.get(Number(l.productId)) ?? '',
          quantity: Number(l.quantity),
          listPrice: String(l.listPrice),
          unitPrice: String(l.unitPrice),
          discount: String(l.discount),
          taxRate: String(l.taxRate),
          taxAmount: String(l.taxAmount),
          lineTotal: String(l.lineTotal),
          available: stock.get(Number(l.productId)) ?? 0,
          promotionId: (l.promotionId as number | null) ?? null,
          adjustments: adjustmentsOf(l.pricingAdjustments),
        })),
        adjustments: adjustmentsOf(order.pricingAdjustments),
        subtotal: String(order.subtotal),
        discountTotal: String(order.discountTotal),
        taxTotal: String(order.taxTotal),
        total: String(order.total),
      })
    })
  } catch (err) {
    if (err instanceof QuoteDone) return err.quote
    throw err
  }
  throw new Error('orders: the quote transaction ended without a quote')
}

/** `POST /api/order-quotes`: a price quote, nothing written. See docs/orders.md "Price quotes". */
export function orderQuoteService(ctx: PluginContext) {
  const app: PlumeApp = ctx.app
  return {
    docs: orderQuoteDocs,
    async create(data: unknown, params: Params) {
      return quoteOrder(app, data, params)
    },
    async setup(a: PlumeApp, path: string) {
      // a quote answers 200 (it creates nothing)
      a.service(path).hooks({
        after: { create: [(context: HookContext) => void (context.http = { ...context.http, status: 200 })] },
      })
    },
  }
}
