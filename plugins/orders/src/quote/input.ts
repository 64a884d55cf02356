import { BadRequest } from '@feathersjs/errors'
import { invalidField } from '@plume/core'
import { MAX_INLINE_LINES } from '../hooks/lift-inline-lines.js'

/** One line asked for: a product by id or SKU, a quantity, optionally a line discount. */
export interface QuoteLineInput {
  productId?: number
  sku?: string
  quantity: number
  discount?: string
}

export interface QuoteInput {
  customerId?: number
  partnerId?: number | null
  warehouseId?: number
  lines: QuoteLineInput[]
}

export const MAX_QUOTE_LINES = MAX_INLINE_LINES

const bad = invalidField
const isId = (v: unknown) => Number.isInteger(v) && (v as number) > 0 && (v as number) <= 2_147_483_647

function optionalId(body: Record<string, unknown>, key: string): number | undefined {
  const v = body[key]
  if (v === undefined) return undefined
  if (!isId(v)) throw bad(`/${key}`, 'must be a positive integer')
  return v as number
}

/**
 * Checks a quote request's shape (the order's own rules apply when it is priced).
 * @example readQuote({ customerId: 3, lines: [{ sku: 'SKU-1', quantity: 2 }] })
 */
export function readQuote(raw: unknown): QuoteInput {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new BadRequest('Invalid data: the body must be an object', {
      errors: [{ path: '', message: 'must be an object' }],
    })
  const body = raw as Record<string, unknown>
  const known = new Set(['customerId', 'partnerId', 'warehouseId', 'lines'])
  const extra = Object.keys(body).find((k) => !known.has(k))
  if (extra) throw bad(`/${extra}`, 'is not a quote field (customerId, partnerId, warehouseId, lines)')
  const partnerId = body.partnerId === null ? null : optionalId(body, 'partnerId')
  if (!Array.isArray(body.lines) || body.lines.length === 0 || body.lines.length > MAX_QUOTE_LINES)
    throw bad('/lines', `must be an array of 1 to ${MAX_QUOTE_LINES} lines`)
  const lines = body.lines.map((l: unknown, i): QuoteLineInput => {
    if (!l || typeof l !== 'object' || Array.isArray(l)) throw bad(`/lines/${i}`, 'must be an object')
    const line = l as Record<string, unknown>
    const extraKey = Object.keys(line).find((k) => !['productId', 'sku', 'quantity', 'discount'].includes(k))
    if (extraKey)
      throw bad(`/lines/${i}/${extraKey}`, 'is not a line field (productId, sku, quantity, discount)')
    if (line.productId === undefined && line.sku === undefined)
      throw bad(`/lines/${i}`, 'needs productId or sku')
    if (line.productId !== undefined && !isId(line.productId))
      throw bad(`/lines/${i}/productId`, 'must be a positive integer')
    if (
      line.sku !== undefined &&
      (typeof line.sku !== 'string' || line.sku.trim() === '' || line.sku.length > 100)
    )
      throw bad(`/lines/${i}/sku`, 'must be a non-empty string')
    if (
      !Number.isInteger(line.quantity) ||
      (line.quantity as number) < 1 ||
      (line.quantity as number) > 1_000_000
    )
      throw bad(`/lines/${i}/quantity`, 'must be an integer from 1 to 1000000')
    if (
      line.discount !== undefined &&
      (typeof line.discount !== 'string' || !/^\d{1,13}(\.\d{1,2})?$/.test(line.discount))
    )
      throw bad(`/lines/${i}/discount`, 'must be a decimal string like "1.50"')
    return {
      ...(line.productId !== undefined ? { productId: line.productId as number } : {}),
      ...(line.sku !== undefined ? { sku: (line.sku as string).trim() } : {}),
      quantity: line.quantity as number,
      ...(line.discount !== undefined ? { discount: line.discount as string } : {}),
    }
  })
  return {
    customerId: optionalId(body, 'customerId'),
    partnerId,
    warehouseId: optionalId(body, 'warehouseId'),
    lines,
  }
}
