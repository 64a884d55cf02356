import type { Knex } from 'knex'

/**
 * Commits `trx` and fails when the COMMIT fails. Knex's `commit()` of a transaction made without
 * a handler resolves even then (the failure only rejects `executionPromise`); but a COMMIT can
 * fail for real — a deferred trigger or constraint that refuses (stock settled at commit, core's
 * `DB_CONFLICT`), a serialization failure — and then nothing was written.
 * @example const trx = await knex.transaction(); await work(trx); await commit(trx)
 */
export async function commit(trx: Knex.Transaction): Promise<void> {
  await trx.commit()
  await trx.executionPromise
}
