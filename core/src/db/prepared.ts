import type { Knex } from 'knex'
import pg from 'pg'
import { patchState } from './patch-shapes.js'

export type Row = Record<string, unknown>

/** A statement written once with `?` placeholders, run many times with different values. */
export interface Statement {
  /** The SQL with `?` placeholders (knex style, `\\?` for a literal question mark). */
  readonly sql: string
  /** Runs it in `db` (a transaction or the pool) and answers the rows. */
  rows<T = Row>(db: Knex | Knex.Transaction, values: readonly unknown[]): Promise<T[]>
}

interface PgConnection {
  query(q: pg.Query): unknown
}
interface ClientInternals {
  config?: { client?: unknown }
  acquireConnection(): Promise<PgConnection>
  releaseConnection(c: PgConnection): Promise<void>
}

function hashText(text: string): string {
  let h = 0
  for (let i = 0; i < text.length; i++) h = (Math.imul(31, h) + text.charCodeAt(i)) | 0
  return (h >>> 0).toString(36)
}

/**
 * Runs a named statement. The query object is made from the text (not from a config object,
 * which the driver would copy property by property on every call) and given its name after.
 */
function execute<T>(
  conn: PgConnection,
  p: { name: string; text: string },
  values: readonly unknown[],
): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const q = new pg.Query(p.text, values as unknown[])
    // the typings know neither the name nor the callback of a query object the client submits
    const open = q as unknown as { name: string; callback(err: Error | null, res?: { rows: T[] }): void }
    open.name = p.name
    open.callback = (err, res) => (err ? reject(err) : resolve(res!.rows))
    conn.query(q)
  })
}

/** `?` → `$1, $2 …` as knex's PostgreSQL dialect numbers them (an escaped `\\?` stays a `?`). */
function numbered(sql: string): string {
  let n = 0
  return sql.replace(/(\\*)(\?)/g, (_m, escapes: string) => (escapes.length % 2 ? '?' : `$${++n}`))
}

/**
 * A named prepared statement on PostgreSQL: each pooled connection parses and plans it once
 * (then PostgreSQL may keep a generic plan), instead of on every call — for a hot path, planning
 * is often the larger part of a statement's cost. On PGlite it runs as a plain query. Inside a
 * transaction it uses the transaction's own connection.
 * @example const LOCK = statement('orders.lock', 'select * from orders where id = ? for update'); const [o] = await LOCK.rows(trx, [id])
 */
export function statement(name: string, sql: string): Statement {
  const text = numbered(sql)
  // the text is part of the name: a changed statement is prepared anew on open connections
  const prepared = {
    name: `plume_${name.replace(/[^a-zA-Z0-9_]/g, '_').slice(0, 40)}_${hashText(text)}`,
    text,
  }
  return {
    sql,
    async rows<T>(db: Knex | Knex.Transaction, values: readonly unknown[]): Promise<T[]> {
      const client = db.client as ClientInternals
      const own = pinned.get(db)
      if (own) return execute<T>(own, prepared, values)
      if (client.config?.client !== 'pg' || !patchState.prepared)
        return ((await db.raw(sql, values as Knex.RawBinding[])) as { rows: T[] }).rows
      const conn = await client.acquireConnection()
      try {
        return await execute<T>(conn, prepared, values)
      } finally {
        // a no-op for a transaction's client, which keeps its one connection
        await client.releaseConnection(conn)
      }
    },
  }
}

/** Connections of transactions `pinConnection` was called for: statements go out without a wait. */
const pinned = new WeakMap<object, PgConnection>()

/**
 * Remembers the connection of `trx` (PostgreSQL), so that every statement run through
 * `statement`/`prepared` in it is handed to the driver synchronously, at the call: statements
 * then reach the (pipelined) connection in the order they were called, whatever awaits lie
 * between. `begin()` does it for the transactions it opens. Answers whether it did.
 */
export async function pinConnection(trx: Knex.Transaction): Promise<boolean> {
  const client = trx.client as ClientInternals
  if (client.config?.client !== 'pg' || !patchState.prepared) return false
  // a transaction's client answers its one connection (and keeps it until the end)
  pinned.set(trx, await client.acquireConnection())
  return true
}

/** The connection `pinConnection` remembered for `trx`. */
export function pinnedConnection(trx: Knex.Transaction): object | undefined {
  return pinned.get(trx)
}

const MAX_CACHED = 1000
const byText = new Map<string, Statement>()

/**
 * Runs a knex query (builder or raw, positional or named bindings) as a named prepared statement,
 * one per distinct SQL text: for hot statements whose text is stable (the values vary). The
 * builder still compiles the query; PostgreSQL no longer parses and plans it every time.
 * @example const [order] = await prepared(trx, trx('orders').where('id', id).forUpdate().first())
 */
export async function prepared<T = Row>(
  db: Knex | Knex.Transaction,
  query: Knex.QueryBuilder | Knex.Raw,
  name = 'q',
): Promise<T[]> {
  const { sql, bindings } = query.toSQL()
  let s = byText.get(sql)
  if (!s) {
    // texts are few on the paths that use this; the bound only guards against a misuse
    if (byText.size >= MAX_CACHED) byText.clear()
    s = statement(name, sql)
    byText.set(sql, s)
  }
  return s.rows<T>(db, bindings)
}
