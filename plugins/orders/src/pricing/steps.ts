import { Conflict } from '@feathersjs/errors'
import { Money, money } from '../money.js'
import { pickListPrice } from './totals.js'
import type { PricingStep } from './types.js'

/**
 * `base-price` (order 100): the unit price from the order's price list (customer contract list or
 * partner list, see `resolvePriceList`; volume breaks by `minQuantity`), else the product's list price.
 */
export const basePriceStep: PricingStep = {
  name: 'base-price',
  order: 100,
  apply(ctx) {
    if (ctx.scope !== 'line') return
    const { line } = ctx
    const fromList = pickListPrice(ctx.priceItems.get(line.productId), line.quantity)
    if (fromList !== undefined) {
      ctx.adjust({
        step: 'base-price',
        kind: 'price',
        amount: fromList,
        description: `Price list #${String(ctx.order.priceListId)} for ${line.quantity} × ${line.product.sku}`,
      })
    } else {
      ctx.adjust({
        step: 'base-price',
        kind: 'price',
        amount: line.listPrice,
        description: `List price of ${line.product.sku}`,
      })
    }
  },
}

/** `tax` (order 900): the product's tax rate; a guard that no step priced below zero. */
export const taxStep: PricingStep = {
  name: 'tax',
  order: 900,
  apply(ctx) {
    if (ctx.scope !== 'line') return
    const { line } = ctx
    if (line.unitPrice.isNegative())
      throw new Conflict(`Pricing produced a negative unit price for ${line.product.sku}`)
    line.taxRate = new Money(line.product.taxRate)
    if (!line.taxRate.isZero())
      ctx.adjust({
        step: 'tax',
        kind: 'info',
        amount: money(line.taxRate),
        description: `VAT ${line.taxRate.toString()}%`,
      })
  },
}
