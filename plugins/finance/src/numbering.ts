import type { Knex } from 'knex'

/** One row per (series, year): the last number handed out. */
export const COUNTER_TABLE = 'finance_document_counters'

export type Series = 'INV' | 'CN'

/**
 * @example formatDocumentNumber('INV', 2026, 1) // 'INV-2026-000001'
 */
export const formatDocumentNumber = (series: Series, year: number, n: number): string =>
  `${series}-${year}-${String(n).padStart(6, '0')}`

/**
 * The next gap-free number of a series for the year of `at` (UTC). The counter row is locked
 * `FOR UPDATE` inside the caller's transaction, so concurrent documents wait for each other and
 * a rolled-back document gives its number back (a PostgreSQL sequence would leave a hole).
 * Call it as late as possible in the transaction: the row stays locked until commit.
 * @example const number = await nextDocumentNumber(trx, 'INV') // 'INV-2026-000042'
 */
export async function nextDocumentNumber(
  trx: Knex.Transaction,
  series: Series,
  at: Date = new Date(),
): Promise<string> {
  const year = at.getUTCFullYear()
  await trx.raw(
    `insert into ${COUNTER_TABLE} (series, year, last) values (?, ?, 0) on conflict (series, year) do nothing`,
    [series, year],
  )
  const row = (await trx(COUNTER_TABLE).select('last').where({ series, year }).forUpdate().first()) as {
    last: number
  }
  const n = row.last + 1
  await trx(COUNTER_TABLE).where({ series, year }).update({ last: n })
  return formatDocumentNumber(series, year, n)
}
