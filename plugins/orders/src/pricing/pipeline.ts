import { Conflict, NotFound } from '@feathersjs/errors'
import type { Knex } from 'knex'
import { dec, Money, money } from '../money.js'
import { basePriceStep, taxStep } from './steps.js'
import { lineTotals, orderTotals, type OrderTotals } from './totals.js'
import type {
  Adjustment,
  PriceItems,
  PricedLine,
  PricingContext,
  PricingContextBase,
  PricingOrder,
  PricingStep,
  ProductInfo,
} from './types.js'
import { defer, prepared } from '@plume/core'

export interface LineRow {
  id: number
  productId: number
  quantity: number
  promotionId: number | null
  sku: string
  listPrice: string
  taxRate: string
  active: boolean
  items: Array<{ minQuantity: number; unitPrice: string }> | string
}

/**
 * Lines, their products and the price list items that apply today (active list, validity window,
 * order currency) in one round trip.
 */
export interface LoadedLines {
  rows: LineRow[]
  priceItems: PriceItems
  /** What each step's `prefetch` answered, by step name. */
  prefetched: Map<string, unknown>
}

/** The lines of an order with their price list items; the order's price list and currency are read in the same statement. */
async function loadLines(trx: Knex.Transaction, orderId: number): Promise<Omit<LoadedLines, 'prefetched'>> {
  const today = new Date().toISOString().slice(0, 10)
  const rows = await prepared<LineRow>(
    trx,
    trx.raw(
      `select l.id, l."productId", l.quantity, l."promotionId", p.sku, p."listPrice"::text as "listPrice", p."taxRate"::text as "taxRate", p.active,
            coalesce((select json_agg(json_build_object('minQuantity', i."minQuantity", 'unitPrice', i."unitPrice"::text))
                        from price_list_items i
                        join price_lists pl on pl.id = i."priceListId"
                       where i."priceListId" = o."priceListId" and i."productId" = l."productId" and pl.active and pl.currency = o.currency
                         and (pl."validFrom" is null or pl."validFrom" <= ?::date) and (pl."validTo" is null or pl."validTo" >= ?::date)), '[]') as items
       from order_lines l join orders o on o.id = l."orderId" join products p on p.id = l."productId"
      where l."orderId" = ? order by l.id`,
      [today, today, orderId],
    ),
    'orders_load_lines',
  )
  const priceItems: PriceItems = new Map()
  for (const r of rows) {
    const items =
      typeof r.items === 'string'
        ? (JSON.parse(r.items) as Array<{ minQuantity: number; unitPrice: string }>)
        : r.items
    if (items.length) priceItems.set(r.productId, items)
  }
  return { rows, priceItems }
}

/** What pricing an order produced (the lines are already written, unless priced for a preview). */
export interface PricingResult {
  totals: OrderTotals
  orderAdjustments: Adjustment[]
}

/** One line of a priced order as `order_lines` would store it (money and percents as their column text). */
export interface PreviewLine {
  id: number
  productId: number
  quantity: number
  listPrice: string
  unitPrice: string
  discount: string
  taxRate: string
  taxAmount: string
  lineTotal: string
  promotionId: number | null
  pricingAdjustments: Adjustment[]
}

/** `reprice` without writing the lines back: the order's totals are written, the lines answered. */
export interface PricingPreview extends PricingResult {
  lines: PreviewLine[]
}

/** A percent as its `numeric(7,4)` column gives it back. */
const percentText = (m: Money) => m.toFixed(4)

/**
 * The pricing engine: steps sorted by `order` run on every line (scope `line`), then once on the
 * order (scope `order`); the result is written to the lines and the order in two statements.
 * @example const totals = await pipeline.reprice(trx, orderId)
 */
export class PricingPipeline {
  private steps: PricingStep[] = [basePriceStep, taxStep]

  /** Adds a step; a name is unique. Returns a function that removes it again. */
  add(step: PricingStep): () => void {
    if (!step.name || typeof step.apply !== 'function' || !Number.isFinite(step.order))
      throw new Error('A pricing step needs a name, a numeric order and apply(ctx)')
    if (this.steps.some((s) => s.name === step.name))
      throw new Error(`Pricing step "${step.name}" is already registered`)
    this.steps = [...this.steps, step].sort((a, b) => a.order - b.order)
    return () => {
      this.steps = this.steps.filter((s) => s !== step)
    }
  }

  /**
   * The lines of `order` with their products and price list items, as `price` reads them: the
   * submit loads them once, before its hooks, and passes them to `price`.
   */
  async load(trx: Knex.Transaction, orderId: number): Promise<LoadedLines> {
    // sent together (the connection is pipelined): the lines and every step's own reads
    const steps = this.steps.filter((s) => s.prefetch)
    const [lines, ...answers] = await Promise.all([
      loadLines(trx, orderId),
      ...steps.map((s) => s.prefetch!(trx, orderId)),
    ])
    return { ...lines, prefetched: new Map(steps.map((s, i) => [s.name, answers[i]])) }
  }

  names(): string[] {
    return this.steps.map((s) => `${s.order}:${s.name}`)
  }

  /** Prices every line of an order and its totals, and writes them (inside `trx`). */
  async reprice(trx: Knex.Transaction, orderId: number): Promise<OrderTotals> {
    return (await this.run(trx, orderId, true)).totals
  }

  /**
   * Prices an order as `reprice` does but leaves its lines as they are: the priced lines are
   * answered instead (a price quote rolls everything back, so writing 1,000 lines back and reading
   * them again would be work thrown away). The order's totals are written as `reprice` writes them.
   * @example const { lines, totals } = await pipeline.preview(trx, orderId)
   */
  async preview(trx: Knex.Transaction, orderId: number): Promise<PricingPreview> {
    return this.run(trx, orderId, false)
  }

  private async run(trx: Knex.Transaction, orderId: number, writeLines: boolean): Promise<PricingPreview> {
    const order = (await trx('orders')
      .select('id', 'number', 'status', 'customerId', 'partnerId', 'priceListId', 'currency', 'orderDate')
      .where('id', orderId)
      .first()) as PricingOrder | undefined
    if (!order) throw new NotFound(`No order with id ${orderId}`)
    const priced = await this.price(trx, order, undefined, undefined, writeLines)
    const { totals, orderAdjustments } = priced
    await trx('orders')
      .where('id', orderId)
      .update({
        ...totals,
        pricingAdjustments: JSON.stringify(orderAdjustments),
        version: trx.raw('version + 1'),
        updatedAt: trx.fn.now(),
      })
    return priced
  }

  /**
   * Prices the lines of `order` and writes them (one read, one write); the caller writes the
   * order totals — the submit action does it in the same statement that changes the status, and
   * passes the status the lines take with it (else they copy the order's current one).
   */
  async price(
    trx: Knex.Transaction,
    order: PricingOrder,
    loaded?: LoadedLines,
    status?: string,
    writeLines = true,
  ): Promise<PricingPreview> {
    const { rows, priceItems, prefetched } = loaded ?? (await this.load(trx, order.id))
    const lines: PricedLine[] = rows.map((r) => {
      const product: ProductInfo = { id: r.productId, sku: r.sku, listPrice: r.listPrice, taxRate: r.taxRate }
      if (!r.active) throw new Conflict(`Product ${r.sku} is no longer sold`)
      const listPrice = dec(r.listPrice)
      return {
        id: r.id,
        productId: r.productId,
        quantity: r.quantity,
        product,
        listPrice,
        unitPrice: listPrice,
        discount: new Money(0),
        taxRate: new Money(0),
        promotionId: r.promotionId,
        adjustments: [],
      }
    })
    const base: PricingContextBase = {
      trx,
      order,
      lines,
      priceItems,
      orderDiscount: new Money(0),
      orderAdjustments: [],
    }
    for (const step of this.steps) {
      base.prefetched = prefetched.get(step.name)
      for (const line of lines) await step.apply(this.context(base, line))
      await step.apply(this.context(base, null))
    }
    const figures = lines.map((l) => lineTotals(l))
    const totals = orderTotals(figures, base.orderDiscount)
    if (lines.length && writeLines) {
      const col = <T>(f: (l: PricedLine, i: number) => T) => lines.map(f)
      // one statement text whatever the number of lines (arrays, not a VALUES list): prepared once.
      // Each line finds its figures at its position in the id array and the rows are reached
      // through the order's id, so the plan does not depend on the number of lines and PostgreSQL
      // keeps one generic plan (an unnest() join was planned again on every submit).
      // With the prices every line (a new one too) gets its order's facts (orderLine-order-facts.json);
      // deferred: it travels with the statements that follow (the order's own update)
      const at = (col: string) => `v.${col}[array_position(v.ids, l.id)]`
      await defer(
        trx,
        prepared(
          trx,
          trx.raw(
            `update order_lines as l set "unitPrice" = ${at('up')}, "listPrice" = ${at('lp')}, discount = ${at('disc')}, "lineTotal" = ${at('lt')}, "taxAmount" = ${at('tax')},
                "taxRate" = ${at('rate')}, "pricingAdjustments" = ${at('adj')}, version = l.version + 1, "updatedAt" = now(),
                "orderDate" = o."orderDate", status = coalesce(?::text, o.status), "partnerId" = o."partnerId", "customerId" = o."customerId"
           from orders o, (select ?::int[] as ids, ?::numeric[] as up, ?::numeric[] as lp, ?::numeric[] as disc, ?::numeric[] as lt,
                                  ?::numeric[] as tax, ?::numeric[] as rate, ?::jsonb[] as adj) v
          where l."orderId" = ? and o.id = l."orderId" and l.id = any(v.ids)`,
            [
              status ?? null,
              col((l) => l.id),
              col((l) => money(l.unitPrice)),
              col((l) => money(l.listPrice)),
              col((l) => money(l.discount)),
              col((_l, i) => figures[i]!.lineTotal),
              col((_l, i) => figures[i]!.taxAmount),
              col((l) => l.taxRate.toString()),
              col((l) => JSON.stringify(l.adjustments)),
              order.id,
            ],
          ),
          'orders_price_lines',
        ),
      )
    }
    const preview = lines.map((l, i): PreviewLine => ({
      id: l.id,
      productId: l.productId,
      quantity: l.quantity,
      listPrice: money(l.listPrice),
      unitPrice: money(l.unitPrice),
      discount: money(l.discount),
      taxRate: percentText(l.taxRate),
      taxAmount: figures[i]!.taxAmount,
      lineTotal: figures[i]!.lineTotal,
      promotionId: l.promotionId,
      pricingAdjustments: l.adjustments,
    }))
    return { totals, orderAdjustments: base.orderAdjustments, lines: preview }
  }

  private context(base: PricingContextBase, line: PricedLine | null): PricingContext {
    const adjust = (a: {
      step: string
      kind: Adjustment['kind']
      amount: Money | string
      description: string
    }) => {
      const amount = new Money(a.amount)
      const record: Adjustment = {
        step: a.step,
        kind: a.kind,
        amount: money(amount),
        description: a.description,
      }
      if (line) {
        if (a.kind === 'price') line.unitPrice = amount
        else if (a.kind === 'discount') line.discount = line.discount.plus(amount)
        else if (a.kind === 'surcharge') line.discount = line.discount.minus(amount)
        line.adjustments.push(record)
      } else {
        if (a.kind === 'price') throw new Error(`Pricing step "${a.step}": a price adjustment needs a line`)
        if (a.kind === 'discount') base.orderDiscount = base.orderDiscount.plus(amount)
        else if (a.kind === 'surcharge') base.orderDiscount = base.orderDiscount.minus(amount)
        base.orderAdjustments.push(record)
      }
    }
    return line ? { ...base, scope: 'line', line, adjust } : { ...base, scope: 'order', line: null, adjust }
  }
}
