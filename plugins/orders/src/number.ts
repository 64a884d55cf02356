import type { Knex } from 'knex'
import { ORDER_NUMBER_SEQUENCE } from './migrations/20260101000000-orders-base.js'

/**
 * `SO-<year>-<6 digits>` from one database sequence: unique across instances, no gaps from
 * reads, never reused (a rolled-back order leaves a hole, as sequences do).
 * @example formatOrderNumber(2026, 123) // 'SO-2026-000123'
 */
export const formatOrderNumber = (year: number, n: number | string) =>
  `SO-${year}-${String(n).padStart(6, '0')}`

export async function nextOrderNumber(db: Knex | Knex.Transaction, at: Date = new Date()): Promise<string> {
  const res = await db.raw(`select nextval('${ORDER_NUMBER_SEQUENCE}') as n`)
  return formatOrderNumber(
    at.getUTCFullYear(),
    String((res as { rows: Array<{ n: string | number }> }).rows[0]!.n),
  )
}
