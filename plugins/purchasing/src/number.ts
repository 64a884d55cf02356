import type { Knex } from 'knex'
import { PO_NUMBER_SEQUENCE } from './migrations/20261207000000-purchasing-base.js'

/**
 * `PO-<year>-<6 digits>` from one database sequence: unique across instances, never reused.
 * @example formatPoNumber(2026, 12) // 'PO-2026-000012'
 */
export const formatPoNumber = (year: number, n: number | string) => `PO-${year}-${String(n).padStart(6, '0')}`

export async function nextPoNumber(db: Knex | Knex.Transaction, at: Date = new Date()): Promise<string> {
  const res = await db.raw(`select nextval('${PO_NUMBER_SEQUENCE}') as n`)
  return formatPoNumber(
    at.getUTCFullYear(),
    String((res as { rows: Array<{ n: string | number }> }).rows[0]!.n),
  )
}
