/** Pure allocation arithmetic of the payment entry screen, in exact cents (BigInt), never floats. */
import { centsToString, toCents } from '@plume/admin-ui/kit/money'

/** An open invoice as the screen lists it. */
export interface OpenInvoice {
  id: number
  number: string
  issueDate: string | null
  dueDate: string | null
  total: string
  open: string
}

/** A money amount typed by a user: digits with at most two decimals (empty is no amount). */
export const MONEY = /^\d{1,12}(\.\d{1,2})?$/

/** `total − amountPaid − creditTotal` as a decimal string. */
export const openOf = (inv: { total: unknown; amountPaid: unknown; creditTotal: unknown }): string =>
  centsToString(toCents(inv.total) - toCents(inv.amountPaid) - toCents(inv.creditTotal))

/** Oldest first: due date, then issue date, then id (the server's order for auto allocation). */
export const byAge = (a: OpenInvoice, b: OpenInvoice): number =>
  (a.dueDate ?? '').localeCompare(b.dueDate ?? '') ||
  (a.issueDate ?? '').localeCompare(b.issueDate ?? '') ||
  a.id - b.id

/**
 * The payment amount spread over the invoices, oldest first, each up to its open amount.
 * @example autoAllocate('150.00', invoices) // { 3: '113.00', 4: '37.00' }
 */
export function autoAllocate(amount: string, invoices: readonly OpenInvoice[]): Record<number, string> {
  let free = MONEY.test(amount) ? toCents(amount) : 0n
  const out: Record<number, string> = {}
  for (const inv of [...invoices].sort(byAge)) {
    const open = toCents(inv.open)
    const take = free < open ? free : open
    out[inv.id] = take > 0n ? centsToString(take) : ''
    free -= take > 0n ? take : 0n
  }
  return out
}

export interface AllocationCheck {
  allocated: string
  remaining: string
  /** Invoice id → what is wrong with its amount (not a money amount, or over the open amount). */
  problems: Record<number, 'format' | 'over'>
  /** The allocations add up to more than the payment. */
  overPayment: boolean
}

/**
 * Totals and problems of the typed allocations against the payment amount.
 * @example checkAllocations('100.00', invoices, { 3: '60.00' }).remaining // '40.00'
 */
export function checkAllocations(
  amount: string,
  invoices: readonly OpenInvoice[],
  typed: Record<number, string>,
): AllocationCheck {
  let sum = 0n
  const problems: AllocationCheck['problems'] = {}
  for (const inv of invoices) {
    const v = (typed[inv.id] ?? '').trim()
    if (!v) continue
    if (!MONEY.test(v)) {
      problems[inv.id] = 'format'
      continue
    }
    const c = toCents(v)
    if (c > toCents(inv.open)) problems[inv.id] = 'over'
    sum += c
  }
  const pay = MONEY.test(amount) ? toCents(amount) : 0n
  return {
    allocated: centsToString(sum),
    remaining: centsToString(pay - sum),
    problems,
    overPayment: sum > pay,
  }
}

/** The request lines: invoices with a positive typed amount, in list order. */
export const allocationLines = (
  invoices: readonly OpenInvoice[],
  typed: Record<number, string>,
): Array<{ invoiceId: number; amount: string }> =>
  invoices
    .filter((i) => MONEY.test((typed[i.id] ?? '').trim()) && toCents(typed[i.id]) > 0n)
    .map((i) => ({ invoiceId: i.id, amount: centsToString(toCents(typed[i.id])) }))
