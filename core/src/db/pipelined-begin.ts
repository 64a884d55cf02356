/**
 * Lets a transaction's BEGIN travel with its first statements: on a pipelined PostgreSQL
 * connection knex hands BEGIN to the driver and then waits for its answer before the caller can
 * send anything, one round trip that does no work. Here a top-level transaction without an
 * isolation level or read-only mode goes on as soon as BEGIN is sent; the statements that follow
 * queue behind it on the same connection, and a BEGIN that fails (the connection is gone) fails
 * the transaction with its own error.
 */

interface PgTransaction {
  outerTx?: unknown
  isolationLevel?: string
  readOnly?: boolean
  begin(conn: object): Promise<unknown>
}
interface KnexPgClient {
  transaction(...args: unknown[]): PgTransaction
}

/** BEGINs sent but maybe not answered yet, by connection (a connection runs one transaction at a time). */
const sentBegins = new WeakMap<object, Promise<unknown>>()

const patched = new WeakSet<object>()

/**
 * Knex's client for node-postgres: its top-level transactions no longer wait for BEGIN. Called by
 * `installPatches` (patches.ts) once the shape it replaces is checked.
 */
export function pipelineBegin(client: unknown): void {
  const c = client as KnexPgClient
  // once per client: a second wrapper would record its own, already settled, BEGIN
  if (patched.has(c)) return
  patched.add(c)
  const make = c.transaction
  c.transaction = function (this: KnexPgClient, ...args: unknown[]) {
    const trx = make.apply(this, args)
    if (!trx.outerTx) {
      const begin = trx.begin
      trx.begin = function (this: PgTransaction, conn: object) {
        if (this.isolationLevel || this.readOnly) {
          // waited for as knex does; no earlier transaction's BEGIN stays on record for this one
          sentBegins.delete(conn)
          return begin.call(this, conn)
        }
        // handed to the driver now (knex's query path is synchronous up to the socket)
        const sent = begin.call(this, conn)
        sent.catch(() => undefined)
        sentBegins.set(conn, sent)
        return Promise.resolve()
      }
    }
    return trx
  }
}

/** The BEGIN sent on `conn` for the transaction it runs now, if it was not waited for. */
export function sentBegin(conn: object): Promise<unknown> | undefined {
  return sentBegins.get(conn)
}
