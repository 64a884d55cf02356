import type { Knex } from 'knex'
import type { Money } from '../money.js'

/** One thing a pricing step did, kept on the line or order (`pricingAdjustments`). */
export interface Adjustment {
  step: string
  /** `price`: unit price set; `discount`: amount off; `surcharge`: amount added; `info`: note only. */
  kind: 'price' | 'discount' | 'surcharge' | 'info'
  /** Exact decimal string; for `discount`/`surcharge` the amount for the whole line or order. */
  amount: string
  description: string
}

export interface ProductInfo {
  id: number
  sku: string
  listPrice: string
  taxRate: string
}

/** A line while it is being priced; steps change the figures, the engine writes the result. */
export interface PricedLine {
  id: number
  productId: number
  quantity: number
  product: ProductInfo
  listPrice: Money
  unitPrice: Money
  /** Amount off the whole line (not per unit). */
  discount: Money
  /** Percent, e.g. 13. */
  taxRate: Money
  promotionId: number | null
  adjustments: Adjustment[]
}

/** The order header fields pricing reads. */
export interface PricingOrder {
  id: number
  number: string | null
  status: string
  customerId: number
  partnerId: number | null
  priceListId: number | null
  currency: string
  orderDate: string | Date | null
}

/** Price list items of the order's price list, per product, best (highest) `minQuantity` first. */
export type PriceItems = Map<number, Array<{ minQuantity: number; unitPrice: string }>>

export interface PricingContextBase {
  trx: Knex.Transaction
  order: PricingOrder
  lines: PricedLine[]
  priceItems: PriceItems
  /** Order-level amount off (after line totals, not taxed). */
  orderDiscount: Money
  orderAdjustments: Adjustment[]
  /** What this step's `prefetch` answered (undefined for a step without one). */
  prefetched?: unknown
}

/**
 * What a step sees. `scope: 'line'` runs once per line (`line` set), then `scope: 'order'` once.
 * Record what you change with `adjust` so the admin UI and auditors can explain the price.
 */
export type PricingContext = PricingContextBase &
  ({ scope: 'line'; line: PricedLine } | { scope: 'order'; line: null }) & {
    /**
     * Records an adjustment and applies it: `price` sets the unit price (line scope), `discount`
     * and `surcharge` change the line discount (line scope) or the order discount (order scope).
     */
    adjust(a: { step: string; kind: Adjustment['kind']; amount: Money | string; description: string }): void
  }

/**
 * A pricing pipeline step. Built-ins: `base-price` (100, price list or list price), `tax` (900).
 * @example orders.addPricingStep({ name: 'volume-5pct', order: 500, apply(ctx) { if (ctx.scope === 'line' && ctx.line.quantity >= 100) ctx.adjust({ step: 'volume-5pct', kind: 'discount', amount: ctx.line.unitPrice.times(ctx.line.quantity).times('0.05'), description: '5% off from 100 units' }) } })
 */
export interface PricingStep {
  name: string
  order: number
  apply(ctx: PricingContext): void | Promise<void>
  /**
   * Reads the step needs, by order id: sent together with the lines' load (on submit, right
   * behind the order's lock), so they cost no round trip of their own. `ctx.prefetched` holds
   * the answer. They run in the pricing transaction, after the order is locked.
   */
  prefetch?(trx: Knex.Transaction, orderId: number): Promise<unknown>
}
