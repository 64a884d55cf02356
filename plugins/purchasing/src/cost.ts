/**
 * Costing, exact decimal: landed cost (freight, duty) spread over the lines of a receipt by value,
 * and the moving-average cost per product:
 *   average' = (Q · average + Σ qᵢ · landedUnitᵢ) ÷ (Q + Σ qᵢ)
 * where Q is the quantity on hand in all warehouses before the receipt (when Q ≤ 0 the receipt's
 * own landed cost is the new average). Unit costs keep 4 decimals; amounts 2.
 */
import { dec, money, Money } from '@plume/core'

export interface ReceiptLine {
  quantity: number
  /** Purchase price per unit (the PO line's unit cost). */
  unitCost: string
}

/** Each line's share of `extra` (freight + duty), by line value, in cents that add up exactly to `extra`. */
export function spreadLanded(lines: readonly ReceiptLine[], extra: string): string[] {
  const total = new Money(money(extra))
  const values = lines.map((l) => dec(l.unitCost).times(l.quantity))
  const sum = values.reduce((s, v) => s.plus(v), new Money(0))
  if (total.isZero()) return lines.map(() => '0.00')
  // by value; by quantity when every line is free of charge
  const weights = sum.isZero() ? lines.map((l) => new Money(l.quantity)) : values
  const weightSum = weights.reduce((s, v) => s.plus(v), new Money(0))
  const shares = weights.map((w) =>
    weightSum.isZero()
      ? new Money(0)
      : total.times(w).dividedBy(weightSum).toDecimalPlaces(2, Money.ROUND_DOWN),
  )
  // the cents lost to rounding go to the largest lines first
  let rest = total
    .minus(shares.reduce((s, v) => s.plus(v), new Money(0)))
    .times(100)
    .toNumber()
  const order = weights.map((w, i) => ({ w, i })).sort((a, b) => b.w.comparedTo(a.w) || a.i - b.i)
  for (let k = 0; rest > 0; k = (k + 1) % order.length, rest--)
    shares[order[k]!.i] = shares[order[k]!.i]!.plus('0.01')
  return shares.map((s) => s.toFixed(2))
}

/** Unit cost including the line's landed share, 4 decimals. */
export const landedUnitCost = (line: ReceiptLine, share: string): string =>
  dec(line.unitCost)
    .plus(dec(share).dividedBy(line.quantity))
    .toDecimalPlaces(4, Money.ROUND_HALF_UP)
    .toFixed(4)

/** The new moving average after receiving `quantity` at `unitCost` with `onHandBefore` at `average`. */
export function movingAverage(
  onHandBefore: number,
  average: string,
  quantity: number,
  unitCost: string,
): string {
  if (onHandBefore <= 0) return dec(unitCost).toDecimalPlaces(4, Money.ROUND_HALF_UP).toFixed(4)
  const value = dec(average).times(onHandBefore).plus(dec(unitCost).times(quantity))
  return value
    .dividedBy(onHandBefore + quantity)
    .toDecimalPlaces(4, Money.ROUND_HALF_UP)
    .toFixed(4)
}
