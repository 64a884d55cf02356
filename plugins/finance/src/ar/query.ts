import { BadRequest } from '@feathersjs/errors'
import { isDate, todayUtc } from '../money.js'

type Kind = 'date' | 'id' | 'currency'

/**
 * Reads a report's query string strictly: known keys only, typed values (REST sends strings).
 * @example readQuery({ asOf: '2026-11-25', customerId: '4' }, { asOf: 'date', customerId: 'id' }) // { asOf: '2026-11-25', customerId: 4 }
 */
export function readQuery(
  query: Record<string, unknown> | undefined,
  fields: Record<string, Kind>,
): Record<string, string | number> {
  const out: Record<string, string | number> = {}
  const errors: Array<{ path: string; message: string }> = []
  for (const [key, raw] of Object.entries(query ?? {})) {
    const kind = fields[key]
    const value = typeof raw === 'number' ? String(raw) : raw
    if (!kind) errors.push({ path: `/${key}`, message: 'is not a known query parameter' })
    else if (typeof value !== 'string') errors.push({ path: `/${key}`, message: 'must be a single value' })
    else if (kind === 'date' && !isDate(value))
      errors.push({ path: `/${key}`, message: 'must be a date (YYYY-MM-DD)' })
    else if (kind === 'id' && !/^\d{1,10}$/.test(value))
      errors.push({ path: `/${key}`, message: 'must be a positive integer' })
    else if (kind === 'currency' && !/^[A-Z]{3}$/.test(value))
      errors.push({ path: `/${key}`, message: 'must be a 3-letter currency code' })
    else out[key] = kind === 'id' ? Number(value) : value
  }
  if (errors.length)
    throw new BadRequest(`Invalid query: ${errors[0]!.path.slice(1)} ${errors[0]!.message}`, { errors })
  return out
}

export const asOfOf = (q: Record<string, string | number>): string =>
  (q.asOf as string | undefined) ?? todayUtc()
