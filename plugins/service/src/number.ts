import type { Knex } from 'knex'

export const TICKET_NUMBER_SEQUENCE = 'plume_ticket_number_seq'

/**
 * `TKT-<year>-<6 digits>` from a database sequence (unique across instances; a rolled-back
 * ticket leaves a hole, which is fine for tickets).
 * @example formatTicketNumber(2026, 7) // 'TKT-2026-000007'
 */
export const formatTicketNumber = (year: number, n: number | string): string =>
  `TKT-${year}-${String(n).padStart(6, '0')}`

export async function nextTicketNumber(db: Knex | Knex.Transaction, at: Date = new Date()): Promise<string> {
  const res = (await db.raw(`select nextval('${TICKET_NUMBER_SEQUENCE}') as n`)) as {
    rows: Array<{ n: string | number }>
  }
  return formatTicketNumber(at.getUTCFullYear(), res.rows[0]!.n)
}
