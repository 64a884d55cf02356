import { Money, money, type Money as MoneyT } from '../money.js'

export interface LineFigures {
  unitPrice: MoneyT
  quantity: number
  discount: MoneyT
  taxRate: MoneyT
}

export interface LineTotals {
  gross: string
  lineTotal: string
  taxAmount: string
}

export interface OrderTotals {
  subtotal: string
  discountTotal: string
  taxTotal: string
  total: string
}

/**
 * A line's money: gross = unit × qty, lineTotal = gross − discount, tax = lineTotal × rate%,
 * each rounded half up to cents (tax per line, the way invoices show it).
 * @example lineTotals({ unitPrice: new Money('9.99'), quantity: 3, discount: new Money(0), taxRate: new Money(13) })
 */
export function lineTotals(l: LineFigures): LineTotals {
  const gross = new Money(money(l.unitPrice.times(l.quantity)))
  const net = Money.max(gross.minus(l.discount), 0)
  const tax = new Money(money(net.times(l.taxRate).div(100)))
  return { gross: money(gross), lineTotal: money(net), taxAmount: money(tax) }
}

/**
 * Order totals: subtotal = Σ gross, discountTotal = Σ line discounts + order discount,
 * taxTotal = Σ line tax, total = subtotal − discountTotal + taxTotal (never below zero).
 */
export function orderTotals(lines: LineTotals[], orderDiscount: MoneyT | string = '0'): OrderTotals {
  let subtotal = new Money(0)
  let net = new Money(0)
  let tax = new Money(0)
  for (const l of lines) {
    subtotal = subtotal.plus(l.gross)
    net = net.plus(l.lineTotal)
    tax = tax.plus(l.taxAmount)
  }
  const orderOff = Money.min(new Money(orderDiscount), net)
  const discountTotal = subtotal.minus(net).plus(orderOff)
  return {
    subtotal: money(subtotal),
    discountTotal: money(discountTotal),
    taxTotal: money(tax),
    total: money(Money.max(subtotal.minus(discountTotal).plus(tax), 0)),
  }
}

/** The unit price from a price list for a quantity: the item with the highest `minQuantity` ≤ qty. */
export function pickListPrice(
  items: Array<{ minQuantity: number; unitPrice: string }> | undefined,
  quantity: number,
): string | undefined {
  if (!items) return undefined
  let best: { minQuantity: number; unitPrice: string } | undefined
  for (const it of items)
    if (it.minQuantity <= quantity && (!best || it.minQuantity > best.minQuantity)) best = it
  return best?.unitPrice
}
