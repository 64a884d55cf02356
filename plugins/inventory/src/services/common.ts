import { BadRequest, Forbidden, NotAuthenticated } from '@feathersjs/errors'
import type { Knex } from 'knex'

export interface ServiceParams {
  provider?: string
  user?: { id?: number; partnerId?: number | null; roles?: unknown }
  transaction?: Knex.Transaction
  [key: string]: unknown
}

/** Stock operations are for staff: refused without a user, and for partner users. */
export function requireStaff(params: ServiceParams | undefined, what: string): void {
  if (!params?.provider) return
  if (!params.user) throw new NotAuthenticated('Not authenticated')
  if (params.user.partnerId) throw new Forbidden(`Partner users cannot record ${what}`)
}

/** Runs `fn` in the caller's transaction, or in a new one. */
export async function inTransaction<T>(
  knex: Knex,
  params: ServiceParams | undefined,
  fn: (trx: Knex.Transaction) => Promise<T>,
): Promise<T> {
  if (params?.transaction) return fn(params.transaction)
  return knex.transaction(fn)
}

type FieldKind = 'id' | 'quantity' | 'signedQuantity' | 'text'

type Problem = { path: string; message: string }

/** The same checks as `readBody` without throwing: the values read, and each problem with its path under `at`. */
export function checkBody(
  data: unknown,
  fields: Record<string, FieldKind>,
  required: string[],
  at = '',
): { out: Record<string, number | string | null>; errors: Problem[] } {
  const out: Record<string, number | string | null> = {}
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return { out, errors: [{ path: at, message: 'must be an object' }] }
  const errors: Problem[] = []
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    const kind = fields[key]
    const path = `${at}/${key}`
    if (!kind) {
      errors.push({ path, message: 'is not a known field' })
      continue
    }
    const int = typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= 1_000_000_000
    if (kind === 'id' && !(int && value > 0)) errors.push({ path, message: 'must be a positive integer' })
    else if (kind === 'quantity' && !(int && value > 0))
      errors.push({ path, message: 'must be a positive integer' })
    else if (kind === 'signedQuantity' && !(int && value !== 0))
      errors.push({ path, message: 'must be a non-zero integer' })
    else if (kind === 'text' && !(value === null || (typeof value === 'string' && value.length <= 100)))
      errors.push({ path, message: 'must be a string of at most 100 characters' })
    else out[key] = value as number | string | null
  }
  for (const r of required)
    if (!(r in out) && !errors.some((e) => e.path === `${at}/${r}`))
      errors.push({ path: `${at}/${r}`, message: 'is required' })
  return { out, errors }
}

function refuse(errors: Problem[]): never {
  throw new BadRequest(`Invalid data: ${errors[0]!.path.slice(1) || 'body'} ${errors[0]!.message}`, {
    errors,
  })
}

/**
 * Checks a small request body: known keys only, required ones present, right types.
 * @example const body = readBody(data, { productId: 'id', quantity: 'quantity' }, ['productId', 'quantity'])
 */
export function readBody(
  data: unknown,
  fields: Record<string, FieldKind>,
  required: string[],
): Record<string, number | string | null> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new BadRequest('Request body must be a JSON object', {
      errors: [{ path: '', message: 'must be an object' }],
    })
  }
  const { out, errors } = checkBody(data, fields, required)
  if (errors.length) refuse(errors)
  return out
}

/** Lines one request may carry. */
export const MAX_LINES = 500

export interface StockLine {
  productId: number
  quantity: number
}

/** Whether a body carries `lines` (the document form of a stock operation). */
export const hasLines = (data: unknown): boolean =>
  typeof data === 'object' && data !== null && !Array.isArray(data) && 'lines' in data

/**
 * A document body: header fields plus `lines: [{productId, quantity}]` (1 to 500). Every field and
 * every line is checked before anything is written; 400 lists each problem by path (`/lines/3/quantity`).
 * @example const { header, lines } = readLines(data, { warehouseId: 'id' }, ['warehouseId'], 'quantity')
 */
export function readLines(
  data: unknown,
  fields: Record<string, FieldKind>,
  required: string[],
  quantity: 'quantity' | 'signedQuantity',
): { header: Record<string, number | string | null>; lines: StockLine[] } {
  const { lines: raw, ...rest } = data as Record<string, unknown>
  const { out: header, errors } = checkBody(rest, fields, required)
  const lines: StockLine[] = []
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_LINES)
    errors.push({ path: '/lines', message: `must be a list of 1 to ${MAX_LINES} lines` })
  else
    raw.forEach((line, i) => {
      const one = checkBody(line, { productId: 'id', quantity }, ['productId', 'quantity'], `/lines/${i}`)
      errors.push(...one.errors)
      lines.push(one.out as unknown as StockLine)
    })
  if (errors.length) refuse(errors)
  return { header, lines }
}

/** Next number of a document sequence: `TR-2026-000042`. */
export async function nextReference(
  db: Knex | Knex.Transaction,
  sequence: string,
  prefix: string,
): Promise<string> {
  const res = await db.raw('select nextval(?::regclass) as n', [sequence])
  const n = String((res as { rows: Array<{ n: string | number }> }).rows[0]!.n)
  return `${prefix}-${new Date().getUTCFullYear()}-${n.padStart(6, '0')}`
}
