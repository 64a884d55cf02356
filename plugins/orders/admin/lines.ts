/**
 * The order entry grid's model, as pure functions: a line's money from its price (exact, in cents
 * with BigInt), the order's running totals, quotes merged back into lines, and rows pasted from a
 * spreadsheet. The server's quote is the authority; these figures bridge the moment until it answers.
 */
// the kit's money helpers without its DOM parts, so this module runs in unit tests too
import { centsToString, toCents } from '@plume/admin-ui/kit/money'

/** A product as the grid shows it. */
export interface EntryProduct {
  id: number
  sku: string
  name: string
  unit: string
  listPrice: string
  taxRate: string
}

export interface EntryLine {
  /** Stable key for rendering (not the database id). */
  key: number
  /** What was typed in the SKU cell. */
  sku: string
  product: EntryProduct | null
  quantity: number | null
  /** Unit price the buyer pays (from the quote or the saved line; the list price until quoted). */
  unitPrice: string | null
  /** Discount of the line from pricing (promotions). */
  discount: string
  taxRate: string
  grossCents: bigint
  lineTotalCents: bigint
  taxCents: bigint
  /** Available stock in the order's warehouse (from the quote). */
  available: number | null
  /** The figures come from the server for the current product and quantity. */
  priced: boolean
  /** Promotions that apply (descriptions of discount adjustments). */
  promotions: string[]
  /** An error the server or the lookup named for this line, and the cell it belongs to. */
  error?: { field: 'sku' | 'quantity'; message: string }
}

let nextKey = 1

/** An empty line (the one at the bottom where the next SKU is typed). */
export function emptyLine(): EntryLine {
  return {
    key: nextKey++,
    sku: '',
    product: null,
    quantity: null,
    unitPrice: null,
    discount: '0.00',
    taxRate: '0',
    grossCents: 0n,
    lineTotalCents: 0n,
    taxCents: 0n,
    available: null,
    priced: false,
    promotions: [],
  }
}

/** A rate like `"13"` or `"6.5"` in ten-thousandths of a percent, exactly. */
function rateUnits(rate: string): bigint {
  const m = /^(\d+)(?:\.(\d{0,4})\d*)?$/.exec(rate.trim())
  if (!m) return 0n
  return BigInt(m[1] ?? '0') * 10_000n + BigInt((m[2] ?? '').padEnd(4, '0') || '0')
}

/** `a × b / d` rounded half up (a, b ≥ 0), as the server's decimal.js does to cents. */
const mulDivHalfUp = (a: bigint, b: bigint, d: bigint): bigint => (a * b * 2n + d) / (2n * d)

/**
 * A line's money from its unit price, quantity, discount and tax rate — the server's rules:
 * gross = price × qty, line total = gross − discount (not below 0), tax = line total × rate % (half up).
 * @example withFigures({ ...line, unitPrice: '7.77', quantity: 12, taxRate: '13' }) // lineTotalCents 9324n, taxCents 1212n
 */
export function withFigures(line: EntryLine): EntryLine {
  if (!line.product || line.unitPrice === null || !line.quantity)
    return { ...line, grossCents: 0n, lineTotalCents: 0n, taxCents: 0n }
  const gross = toCents(line.unitPrice) * BigInt(line.quantity)
  const net = gross - toCents(line.discount) > 0n ? gross - toCents(line.discount) : 0n
  return {
    ...line,
    grossCents: gross,
    lineTotalCents: net,
    taxCents: mulDivHalfUp(net, rateUnits(line.taxRate), 1_000_000n),
  }
}

export interface EntryTotals {
  subtotal: string
  discountTotal: string
  taxTotal: string
  total: string
  lines: number
  quantity: number
}

/**
 * The order's totals over its lines (and the order-level discount of the last quote):
 * subtotal = Σ gross, discount = Σ line discounts + order discount, total = subtotal − discount + tax.
 */
export function entryTotals(lines: readonly EntryLine[], orderDiscount = '0.00'): EntryTotals {
  let gross = 0n
  let net = 0n
  let tax = 0n
  let count = 0
  let quantity = 0
  for (const l of lines) {
    if (!l.product || !l.quantity) continue
    gross += l.grossCents
    net += l.lineTotalCents
    tax += l.taxCents
    count++
    quantity += l.quantity
  }
  const wanted = toCents(orderDiscount)
  const orderOff = wanted < net ? wanted : net
  const discount = gross - net + orderOff
  const total = gross - discount + tax
  return {
    subtotal: centsToString(gross),
    discountTotal: centsToString(discount),
    taxTotal: centsToString(tax),
    total: centsToString(total > 0n ? total : 0n),
    lines: count,
    quantity,
  }
}

/** The lines a quote or a save sends, with the grid positions they came from. */
export function pricedInput(lines: readonly EntryLine[]): {
  at: number[]
  lines: Array<{ productId: number; quantity: number }>
} {
  const at: number[] = []
  const out: Array<{ productId: number; quantity: number }> = []
  lines.forEach((l, i) => {
    if (l.product && l.quantity && l.quantity > 0) {
      at.push(i)
      out.push({ productId: l.product.id, quantity: l.quantity })
    }
  })
  return { at, lines: out }
}

/** What the server says about one priced line (a quote line or a saved order line). */
export interface ServerLine {
  productId: number
  quantity: number
  unitPrice: string
  discount: string
  taxRate: string
  taxAmount: string
  lineTotal: string
  available?: number
  adjustments?: Array<{ kind: string; description?: string }>
  pricingAdjustments?: unknown
}

/** A grid line with the server's figures (kept only when it still shows that product and quantity). */
export function applyServerLine(line: EntryLine, s: ServerLine): EntryLine {
  if (!line.product || line.product.id !== Number(s.productId) || line.quantity !== Number(s.quantity))
    return line
  const adjustments =
    s.adjustments ??
    (Array.isArray(s.pricingAdjustments)
      ? (s.pricingAdjustments as Array<{ kind: string; description?: string }>)
      : [])
  const gross = toCents(s.unitPrice) * BigInt(line.quantity)
  return {
    ...line,
    unitPrice: String(s.unitPrice),
    discount: String(s.discount),
    taxRate: String(s.taxRate),
    grossCents: gross,
    lineTotalCents: toCents(s.lineTotal),
    taxCents: toCents(s.taxAmount),
    available: s.available ?? line.available,
    priced: true,
    promotions: adjustments.filter((a) => a.kind === 'discount').map((a) => a.description ?? ''),
    error: undefined,
  }
}

/** A product put on a line: priced at its list price until the quote answers. */
export function withProduct(line: EntryLine, product: EntryProduct): EntryLine {
  return withFigures({
    ...line,
    sku: product.sku,
    product,
    unitPrice: line.product?.id === product.id ? line.unitPrice : product.listPrice,
    discount: '0.00',
    taxRate: product.taxRate,
    priced: false,
    available: line.product?.id === product.id ? line.available : null,
    promotions: [],
    error: undefined,
    quantity: line.quantity ?? 1,
  })
}

/** The line with a new quantity (figures recomputed from its last price; the quote follows). */
export function withQuantity(line: EntryLine, quantity: number | null): EntryLine {
  return withFigures({
    ...line,
    quantity,
    priced: false,
    error: line.error?.field === 'quantity' ? undefined : line.error,
  })
}

/** One pasted row: a SKU and a quantity, with the row number it had in the paste. */
export interface PastedRow {
  row: number
  sku: string
  quantity: number
}

/**
 * Rows copied from a spreadsheet: `SKU<TAB>quantity` per line (commas or semicolons also
 * separate; a missing quantity is 1; a header row without a number is skipped). Rows whose
 * quantity is not a whole number ≥ 1 are returned in `bad`.
 * @example parsePaste('SKU-1\t3\nSKU-2\t2') // { rows: [{ row: 1, sku: 'SKU-1', quantity: 3 }, …], bad: [] }
 */
export function parsePaste(text: string): { rows: PastedRow[]; bad: Array<{ row: number; text: string }> } {
  const rows: PastedRow[] = []
  const bad: Array<{ row: number; text: string }> = []
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim()
    if (!line) return
    const cells = line.split(line.includes('\t') ? '\t' : /[;,]/).map((c) => c.trim())
    const sku = cells[0] ?? ''
    const qtyText = (cells[1] ?? '').replace(/[\s,]/g, '')
    if (!sku) return void bad.push({ row: i + 1, text: raw })
    if (qtyText === '') return void rows.push({ row: i + 1, sku, quantity: 1 })
    if (!/^\d+(\.0+)?$/.test(qtyText) || Number(qtyText) < 1) {
      // a first row like "SKU  Quantity" is a header, not a mistake
      if (i === 0 || (rows.length === 0 && bad.length === 0 && !/\d/.test(qtyText))) return
      return void bad.push({ row: i + 1, text: raw })
    }
    rows.push({ row: i + 1, sku, quantity: Number(qtyText) })
  })
  return { rows, bad }
}
