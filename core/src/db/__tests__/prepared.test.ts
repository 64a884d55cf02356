import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectTestDatabase } from '../../testing/index.js'
import type { Database } from '../connect.js'
import { commit } from '../commit.js'
import { prepared, statement } from '../prepared.js'

let db: Database

beforeAll(async () => {
  db = await connectTestDatabase()
  await db.knex.raw(
    "create table things (id serial primary key, name text not null, tags text[] not null default '{}')",
  )
  await db.knex('things').insert([{ name: 'a' }, { name: 'b' }, { name: 'c' }])
})
afterAll(() => db?.close())

/** Statements prepared on the connection of `trx` (PostgreSQL keeps them per session). */
const preparedOn = async (trx: Parameters<typeof prepared>[0]) =>
  (
    (await trx.raw(`select name, statement from pg_prepared_statements where name like 'plume_%'`)) as {
      rows: Array<{ name: string; statement: string }>
    }
  ).rows

describe('prepared statements', () => {
  it('answers like the query itself, with positional and named bindings, in and out of a transaction', async () => {
    const byName = statement('things_by_name', 'select id, name from things where name = ? order by id')
    expect(await byName.rows(db.knex, ['b'])).toEqual([{ id: 2, name: 'b' }])
    const named = await prepared(
      db.knex,
      db.knex.raw('select count(*)::int as n from things where name = any(:names::text[])', {
        names: ['a', 'c'],
      }),
    )
    expect(named).toEqual([{ n: 2 }])
    await db.knex.transaction(async (trx) => {
      const [locked] = await prepared<{ id: number; name: string }>(
        trx,
        trx('things').select('id', 'name').where('id', 3).forUpdate().first(),
      )
      expect(locked).toEqual({ id: 3, name: 'c' })
    })
  })

  it('prepares a statement once per connection and reuses it (PostgreSQL)', async () => {
    const trx = await db.knex.transaction()
    try {
      const q = () =>
        prepared(
          trx,
          trx('things')
            .where('name', 'a')
            .update({ tags: ['x'] })
            .returning('id'),
          'things_tag',
        )
      await q()
      await q()
      await prepared(
        trx,
        trx('things')
          .where('name', 'c')
          .update({ tags: ['y'] })
          .returning('id'),
        'things_tag',
      )
      const mine = (await preparedOn(trx)).filter((s) => s.name.startsWith('plume_things_tag_'))
      // PGlite runs them as plain queries: nothing is prepared there
      expect(mine.length).toBe(db.kind === 'postgres' ? 1 : 0)
    } finally {
      await commit(trx)
    }
    expect((await db.knex('things').orderBy('id')).map((r: { tags: string[] }) => r.tags)).toEqual([
      ['x'],
      [],
      ['y'],
    ])
  })

  it('reports database errors as the driver does, so they map to client errors', async () => {
    await expect(prepared(db.knex, db.knex('things').insert({ name: null }))).rejects.toMatchObject({
      code: '23502',
    })
  })
})
