import type { Knex } from 'knex'

export const JOBS_TABLE = 'plume_jobs'

/**
 * Creates `plume_jobs` when missing: one row per job, claimed with `FOR UPDATE SKIP LOCKED` and
 * a lease, so the same table works on PostgreSQL and embedded PGlite with the same semantics.
 */
export async function ensureJobTable(knex: Knex): Promise<void> {
  if (await knex.schema.hasTable(JOBS_TABLE)) return
  await knex.schema
    .createTable(JOBS_TABLE, (t) => {
      t.bigIncrements('id').primary()
      t.text('name').notNullable()
      t.jsonb('payload').notNullable().defaultTo('{}')
      // pending | running | done | dead
      t.text('status').notNullable().defaultTo('pending')
      t.integer('attempts').notNullable().defaultTo(0)
      t.integer('maxAttempts').notNullable().defaultTo(5)
      t.integer('backoffMs').notNullable().defaultTo(30_000)
      t.timestamp('runAt', { useTz: true }).notNullable().defaultTo(knex.fn.now())
      t.text('lockedBy').nullable()
      t.timestamp('lockedUntil', { useTz: true }).nullable()
      t.text('lastError').nullable()
      t.jsonb('result').nullable()
      // an enqueue with a key already present is a no-op (idempotent producers)
      t.text('key').nullable().unique()
      t.timestamp('createdAt', { useTz: true }).notNullable().defaultTo(knex.fn.now())
      t.timestamp('updatedAt', { useTz: true }).notNullable().defaultTo(knex.fn.now())
      t.timestamp('finishedAt', { useTz: true }).nullable()
      t.index(['status', 'runAt'])
      t.index(['name', 'status'])
    })
    .catch((err: unknown) => {
      // two instances starting on one empty database: the loser finds the table there
      if (!/already exists/.test(String((err as Error).message))) throw err
    })
}
