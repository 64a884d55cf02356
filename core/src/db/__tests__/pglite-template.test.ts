import { describe, expect, it } from 'vitest'
import { connectDatabase } from '../connect.js'
import { pgliteTemplate } from '../pglite-template.js'

describe('in-memory PGlite from the initialised-cluster archive', () => {
  it('starts empty, and two databases made from it are independent', async () => {
    const template = await pgliteTemplate()
    expect(template?.size).toBeGreaterThan(0)
    const a = await connectDatabase({ dataDir: 'memory', template })
    const b = await connectDatabase({ dataDir: 'memory', template })
    try {
      const tables = async (db: typeof a) =>
        (await db.knex.raw(`select table_name from information_schema.tables where table_schema = 'public'`))
          .rows
      expect(await tables(a)).toEqual([])
      await a.knex.raw('create table only_in_a (id int primary key)')
      await a.knex('only_in_a').insert({ id: 1 })
      expect(await tables(a)).toEqual([{ table_name: 'only_in_a' }])
      expect(await tables(b)).toEqual([])
      // a second call returns the same archive: the cluster is made once per process and machine
      expect(await pgliteTemplate()).toBe(template)
    } finally {
      await a.close()
      await b.close()
    }
  })
})
