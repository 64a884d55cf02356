import { PGlite } from '@electric-sql/pglite'
import knex, { type Knex } from 'knex'
import ClientPgLite from 'knex-pglite'
import pg from 'pg'
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { corkPgClient } from './cork.js'
import { installPatches } from './patches.js'
import type { Database } from '../kernel/database.js'

// NUMERIC (money) and INT8 come back as strings: exact decimals are never turned into floats.
// COUNT(*) is int8; we cast counts explicitly where we need numbers.
pg.types.setTypeParser(1700, (v) => v)

// DATE (`format: date` fields) is a calendar day: it stays the text `YYYY-MM-DD`. Parsed into a JS
// Date it would come back as an ISO timestamp, and `pg` would also shift it by the process's time zone.
const DATE_OID = 1082
const keepText = (v: string): string => v
pg.types.setTypeParser(DATE_OID, keepText)

export interface DatabaseOptions {
  /** `postgres://…` selects a PostgreSQL server; absent means embedded PGlite. */
  url?: string
  /** Folder for PGlite data; `memory` (or `:memory:`) keeps it in memory. */
  dataDir?: string
  pool?: { min?: number; max?: number }
  /** Where start-up warnings go (a database patch left off); `console.warn` by default. */
  warn?: (msg: string) => void
  /** An in-memory PGlite starts from this data-dir archive (see `pgliteTemplate`) instead of `initdb`. */
  template?: Blob
}

export type { Database, DatabaseKind } from '../kernel/database.js'

/**
 * Opens the database: a PostgreSQL server when `url` is given, embedded PGlite otherwise.
 * @example const db = await connectDatabase({ dataDir: 'memory' })
 */
export async function connectDatabase(opts: DatabaseOptions = {}): Promise<Database> {
  if (opts.url) {
    const k = knex({
      client: 'pg',
      // pipelined: statements sent without waiting travel together (see `defer`, action `prefetch`)
      connection: { connectionString: opts.url, pipeline: true } as Knex.PgConnectionConfig,
      pool: { min: opts.pool?.min ?? 0, max: opts.pool?.max ?? 10, afterCreate: corkPgClient },
    })
    await k.raw('select 1')
    await installPatches(k, opts.warn ?? ((msg) => console.warn(msg)))
    return { knex: k, kind: 'postgres', close: () => k.destroy() }
  }
  const dir = opts.dataDir ?? './data'
  const inMemory = dir === 'memory' || dir === ':memory:'
  let filename: string | undefined
  if (!inMemory) {
    const abs = resolve(dir)
    mkdirSync(abs, { recursive: true })
    filename = join(abs, 'pg')
  }
  // the same type parsers as on PostgreSQL (see DATE_OID above)
  const loadDataDir = inMemory ? opts.template : undefined
  const connection = {
    pglite: new PGlite({ dataDir: filename, loadDataDir, parsers: { [DATE_OID]: keepText } }),
  }
  const k = knex({
    client: ClientPgLite as unknown as Knex.Config['client'],
    dialect: 'postgres',
    connection,
  } as Knex.Config)
  await k.raw('select 1')
  return { knex: k, kind: 'pglite', close: () => k.destroy() }
}

/** Database options from the environment (`DATABASE_URL`, `PLUME_DATA_DIR`, `PLUME_DB_POOL_MAX`). */
export function databaseOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): DatabaseOptions {
  const max = Number(env.PLUME_DB_POOL_MAX)
  return {
    url: env.DATABASE_URL || undefined,
    dataDir: env.PLUME_DATA_DIR || './data',
    ...(Number.isInteger(max) && max > 0 ? { pool: { max } } : {}),
  }
}
