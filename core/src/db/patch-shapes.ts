import pg from 'pg'

/**
 * What the database patches (pipelined-begin.ts, cork.ts, prepared.ts, commit.ts) need of knex's
 * and pg's private objects, checked once at start-up by `installPatches` (patches.ts). A patch
 * whose shape is missing stays off and the platform runs on plain knex/pg behaviour.
 */
export interface PatchState {
  /** BEGIN travels with the statements that follow it. */
  pipelinedBegin: boolean
  /** Sockets corked per event-loop turn. */
  cork: boolean
  /** Named prepared statements and pinned transaction connections (also deferred writes). */
  prepared: boolean
}

/** Which patches are on in this process (all until a check says otherwise). */
export const patchState: PatchState = { pipelinedBegin: true, cork: true, prepared: true }

type Shape = Record<string, unknown> | undefined | null

/** Pipelined BEGIN replaces `begin(conn)` of knex's top-level transactions and reads `outerTx`, `readOnly`. */
export function beginShapeProblem(trx: unknown): string | undefined {
  const t = trx as Shape
  if (!t || typeof t.begin !== 'function') return 'a knex transaction has no begin(connection)'
  if (!('outerTx' in t) || !('readOnly' in t)) return 'a knex transaction has no outerTx or readOnly field'
  return undefined
}

/** Corking wraps `write` of the pg client's socket, `connection.stream`. */
export function corkShapeProblem(conn: unknown): string | undefined {
  const stream = (conn as { connection?: { stream?: Shape } } | undefined)?.connection?.stream
  if (
    !stream ||
    typeof stream.cork !== 'function' ||
    typeof stream.uncork !== 'function' ||
    typeof stream.write !== 'function'
  ) {
    return 'a pg client has no connection.stream with cork, uncork and write'
  }
  return undefined
}

/** Prepared statements borrow a connection from knex's client and submit a `pg.Query` to it. */
export function preparedShapeProblem(client: unknown, conn: unknown): string | undefined {
  const c = client as Shape
  if (!c || typeof c.acquireConnection !== 'function' || typeof c.releaseConnection !== 'function')
    return 'the knex client has no acquireConnection or releaseConnection'
  if (typeof (conn as Shape)?.query !== 'function') return 'a pg client has no query(query)'
  if (typeof pg.Query !== 'function') return 'pg exports no Query'
  return undefined
}
