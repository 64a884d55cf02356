import { describe, it, expect } from 'vitest'
import { connectDatabase } from '../connect.js'
import { migrate, MIGRATION_LOCK_KEY, VERSIONS_TABLE } from '../migrate/index.js'
import { count, dbKind, entity, field, rowsOf, useTestDatabase } from './fixtures.js'

const db = useTestDatabase()

const customer = entity('customer', [
  field('name', { required: true }),
  field('email', { column: 'varchar(200)', unique: true }),
])
const order = entity('order', [
  field('customerId', { type: 'integer', column: 'integer', required: true, ref: { entity: 'customer' } }),
  field('total', { type: 'number', column: 'numeric(14,2)', default: 0, minimum: 0 }),
])

describe(`migrate: advisory lock (${dbKind()})`, { timeout: 60_000 }, () => {
  it('holds the advisory lock for the whole migration transaction', async () => {
    const seen: string[] = []
    await migrate(db(), [customer], {
      log: (msg) => seen.push(msg),
    })
    expect(seen.some((m) => m.startsWith('migrate customer: create table "customers"'))).toBe(true)
    // The lock is transaction-scoped: once migrate() returns it is free again.
    const rows = rowsOf(await db().raw('select pg_try_advisory_xact_lock(?) as free', [MIGRATION_LOCK_KEY]))
    expect(rows[0]?.free).toBe(true)
  })

  it('serialises concurrent migrate() calls on one connection pool', async () => {
    const results = await Promise.all([migrate(db(), [customer, order]), migrate(db(), [customer, order])])
    expect(results.map((r) => r.applied.length).sort()).toEqual([0, 2])
    expect(await count(db(), VERSIONS_TABLE)).toBe(2)
  })

  it.runIf(Boolean(process.env.DATABASE_URL))(
    'lets two instances migrate at once: both succeed, tables are created once',
    async () => {
      const url = db.url()
      if (!url) throw new Error('a per-file database URL is expected on PostgreSQL')
      const a = await connectDatabase({ url })
      const b = await connectDatabase({ url })
      try {
        // Hold the lock so both instances are surely waiting on it at the same time.
        const blocker = await db().transaction()
        await blocker.raw('select pg_advisory_xact_lock(?)', [MIGRATION_LOCK_KEY])
        const running = Promise.all([migrate(a.knex, [customer, order]), migrate(b.knex, [customer, order])])
        await new Promise((resolve) => setTimeout(resolve, 300))
        const waiting = rowsOf(
          await db().raw(
            "select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted",
          ),
        )
        expect(waiting[0]?.n).toBe(2)
        await blocker.commit()
        const results = await running
        expect(results.map((r) => r.applied.length).sort()).toEqual([0, 2])
        expect(results.map((r) => r.unchanged.length).sort()).toEqual([0, 2])
        expect(await count(db(), VERSIONS_TABLE)).toBe(2)
        const tables = rowsOf(
          await db().raw(
            "select count(*)::int as n from pg_tables where schemaname = current_schema() and tablename in ('customers', 'orders')",
          ),
        )
        expect(tables[0]?.n).toBe(2)
      } finally {
        await a.close()
        await b.close()
      }
    },
  )
})
