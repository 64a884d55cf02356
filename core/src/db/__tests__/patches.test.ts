import { readFileSync } from 'node:fs'
import pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { connectTestDatabase } from '../../testing/index.js'
import type { Database } from '../connect.js'
import { begin, commit, defer } from '../commit.js'
import { beginShapeProblem, corkShapeProblem, patchState, preparedShapeProblem } from '../patch-shapes.js'
import { installPatches } from '../patches.js'
import { pinnedConnection, statement } from '../prepared.js'

describe('database patch shapes', () => {
  const socket = { cork() {}, uncork() {}, write() {} }
  const client = { acquireConnection() {}, releaseConnection() {} }

  it('accepts the shapes of knex and pg as they are', () => {
    expect(beginShapeProblem({ begin() {}, outerTx: null, readOnly: undefined })).toBeUndefined()
    expect(corkShapeProblem({ connection: { stream: socket } })).toBeUndefined()
    expect(preparedShapeProblem(client, { query() {} })).toBeUndefined()
  })

  it('names what is missing when a private field moved', () => {
    expect(beginShapeProblem({ outerTx: null, readOnly: false })).toMatch(/begin/)
    expect(beginShapeProblem({ begin() {} })).toMatch(/outerTx/)
    expect(corkShapeProblem({ connection: {} })).toMatch(/connection\.stream/)
    expect(corkShapeProblem({ stream: socket })).toMatch(/connection\.stream/)
    expect(preparedShapeProblem({ acquireConnection() {} }, { query() {} })).toMatch(/releaseConnection/)
    expect(preparedShapeProblem(client, {})).toMatch(/query/)
  })

  it('knex, pg and knex-pglite are pinned to exact versions (what the shapes were checked against)', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as {
      dependencies: Record<string, string>
    }
    for (const name of ['knex', 'pg', 'knex-pglite'])
      expect(pkg.dependencies[name], name).toMatch(/^\d+\.\d+\.\d+$/)
  })
})

// the patches apply to node-postgres only; PGlite runs plain knex
describe.skipIf(!process.env.DATABASE_URL)('installPatches on PostgreSQL', () => {
  let db: Database
  const saved = { ...patchState }
  beforeAll(async () => {
    db = await connectTestDatabase()
    await db.knex.raw('create table patch_things (id serial primary key, name text not null)')
  })
  afterEach(() => Object.assign(patchState, saved))
  afterAll(() => db?.close())

  it('finds every shape it patches with the pinned knex and pg, and warns about nothing', async () => {
    const warnings: string[] = []
    const report = await installPatches(db.knex, (m) => warnings.push(m))
    expect(report).toEqual({ pipelinedBegin: true, cork: true, prepared: true, problems: [] })
    expect(warnings).toEqual([])
    const trx = await begin(db.knex)
    expect(pinnedConnection(trx)).toBeDefined()
    await trx.rollback()
  })

  it('falls back to plain knex/pg, with a warning, when pg.Query is gone', async () => {
    const pgObject = pg as unknown as { Query: unknown }
    const Query = pgObject.Query
    const warnings: string[] = []
    pgObject.Query = undefined
    let report
    try {
      report = await installPatches(db.knex, (m) => warnings.push(m))
    } finally {
      pgObject.Query = Query
    }
    expect(report.prepared).toBe(false)
    expect(report.problems).toEqual(['prepared: pg exports no Query'])
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(
      /database patch "prepared" is off, plain knex\/pg behaviour is used: pg exports no Query/,
    )
    // the plain path: statements run as ordinary queries, transactions are knex's own
    const count = statement(
      'patch_things_count',
      'select count(*)::int as n from patch_things where name = ?',
    )
    const trx = await begin(db.knex)
    expect(pinnedConnection(trx)).toBeUndefined()
    await defer(trx, trx('patch_things').insert({ name: 'a' }))
    expect(await count.rows(trx, ['a'])).toEqual([{ n: 1 }])
    await commit(trx)
    expect(await count.rows(db.knex, ['a'])).toEqual([{ n: 1 }])
    const named = await db.knex.raw(
      `select count(*)::int as n from pg_prepared_statements where name like 'plume_patch_things%'`,
    )
    expect((named as { rows: Array<{ n: number }> }).rows[0]!.n).toBe(0)
  })
})
