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
export async function inTransaction<T>(knex: Knex, params: ServiceParams | undefined, fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  if (params?.transaction) return fn(params.transaction)
  return knex.transaction(fn)
}

type FieldKind = 'id' | 'quantity' | 'signedQuantity' | 'text'

/**
 * Checks a small request body: known keys only, required ones present, right types.
 * @example const body = readBody(data, { productId: 'id', quantity: 'quantity' }, ['productId', 'quantity'])
 */
export function readBody(data: unknown, fields: Record<string, FieldKind>, required: string[]): Record<string, number | string | null> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new BadRequest('Request body must be a JSON object', { errors: [{ path: '', message: 'must be an object' }] })
  }
  const errors: Array<{ path: string; message: string }> = []
  const out: Record<string, number | string | null> = {}
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    const kind = fields[key]
    if (!kind) {
      errors.push({ path: `/${key}`, message: 'is not a known field' })
      continue
    }
    const int = typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= 1_000_000_000
    if (kind === 'id' && !(int && value > 0)) errors.push({ path: `/${key}`, message: 'must be a positive integer' })
    else if (kind === 'quantity' && !(int && value > 0)) errors.push({ path: `/${key}`, message: 'must be a positive integer' })
    else if (kind === 'signedQuantity' && !(int && value !== 0)) errors.push({ path: `/${key}`, message: 'must be a non-zero integer' })
    else if (kind === 'text' && !(value === null || (typeof value === 'string' && value.length <= 100))) errors.push({ path: `/${key}`, message: 'must be a string of at most 100 characters' })
    else out[key] = value as number | string | null
  }
  for (const r of required) if (!(r in out) && !errors.some((e) => e.path === `/${r}`)) errors.push({ path: `/${r}`, message: 'is required' })
  if (errors.length) throw new BadRequest(`Invalid data: ${errors[0]!.path.slice(1)} ${errors[0]!.message}`, { errors })
  return out
}

/** Next number of a document sequence: `TR-2026-000042`. */
export async function nextReference(db: Knex | Knex.Transaction, sequence: string, prefix: string): Promise<string> {
  const res = await db.raw('select nextval(?::regclass) as n', [sequence])
  const n = String((res as { rows: Array<{ n: string | number }> }).rows[0]!.n)
  return `${prefix}-${new Date().getUTCFullYear()}-${n.padStart(6, '0')}`
}
