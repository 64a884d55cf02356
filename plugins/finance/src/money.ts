import { Money, money } from '@plume/core'

export { Money, money }

/** Exact decimal from a database value (numeric columns arrive as strings). */
export const dec = (v: unknown): Money => new Money(v === null || v === undefined || v === '' ? 0 : String(v))

/**
 * The invoice tax rule: tax is computed **per line** on the net line total and rounded half up
 * to cents; the invoice tax is the sum of the rounded line taxes (never re-rounded on the total).
 * @example lineTax('93.24', 13) // '12.12'
 */
export const lineTax = (lineTotal: Money | string, taxRate: Money | string | number): string =>
  money(dec(lineTotal).times(dec(taxRate)).div(100))

/**
 * A line's net amount: unit price × quantity rounded half up to cents, minus the line discount.
 * @example lineNet('9.99', 3) // '29.97'
 */
export const lineNet = (
  unitPrice: Money | string,
  quantity: number,
  discount: Money | string = '0',
): string => money(new Money(money(dec(unitPrice).times(quantity))).minus(dec(discount)))

export interface InvoiceTotals {
  subtotal: string
  taxTotal: string
  total: string
}

/**
 * Invoice totals from its lines: subtotal = Σ line totals (net of discounts), taxTotal = Σ line
 * taxes, total = subtotal + taxTotal.
 * @example invoiceTotals([{ lineTotal: '93.24', taxAmount: '12.12' }]) // { subtotal: '93.24', taxTotal: '12.12', total: '105.36' }
 */
export function invoiceTotals(
  lines: ReadonlyArray<{ lineTotal: unknown; taxAmount: unknown }>,
): InvoiceTotals {
  let subtotal = new Money(0)
  let tax = new Money(0)
  for (const l of lines) {
    subtotal = subtotal.plus(dec(l.lineTotal))
    tax = tax.plus(dec(l.taxAmount))
  }
  return { subtotal: money(subtotal), taxTotal: money(tax), total: money(subtotal.plus(tax)) }
}

export type SettledStatus = 'issued' | 'partially_paid' | 'paid'

/**
 * What is still owed on an invoice: total − paid − credited.
 * @example openAmount({ total: '100.00', amountPaid: '30.00', creditTotal: '10.00' }).toFixed(2) // '60.00'
 */
export const openAmount = (inv: { total: unknown; amountPaid: unknown; creditTotal: unknown }): Money =>
  dec(inv.total).minus(dec(inv.amountPaid)).minus(dec(inv.creditTotal))

/**
 * The status of an issued invoice from what settled it (payments and credit notes).
 * @example settledStatus({ total: '100.00', amountPaid: '40.00', creditTotal: '0.00' }) // 'partially_paid'
 */
export function settledStatus(inv: {
  total: unknown
  amountPaid: unknown
  creditTotal: unknown
}): SettledStatus {
  if (openAmount(inv).lte(0)) return 'paid'
  return dec(inv.amountPaid).plus(dec(inv.creditTotal)).gt(0) ? 'partially_paid' : 'issued'
}

/** UTC calendar helpers: dates are `YYYY-MM-DD` strings, never local time. */
export const DATE = /^\d{4}-\d{2}-\d{2}$/

/** Today in UTC. */
export const todayUtc = (now: Date = new Date()): string => now.toISOString().slice(0, 10)

/**
 * Adds days to a `YYYY-MM-DD` date (UTC).
 * @example addDays('2026-01-31', 30) // '2026-03-02'
 */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10)
}

/** A `YYYY-MM-DD` that is a real calendar date. */
export function isDate(v: unknown): v is string {
  if (typeof v !== 'string' || !DATE.test(v)) return false
  const t = Date.parse(`${v}T00:00:00Z`)
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === v
}

/** A database date (Date at UTC midnight, or text) as `YYYY-MM-DD`. */
export function dateText(v: unknown): string | null {
  if (v === null || v === undefined) return null
  if (v instanceof Date) return v.toISOString().slice(0, 10)
  return String(v).slice(0, 10)
}
