import type { Knex } from 'knex'
import {
  beginShapeProblem,
  corkShapeProblem,
  patchState,
  preparedShapeProblem,
  type PatchState,
} from './patch-shapes.js'
import { pipelineBegin } from './pipelined-begin.js'
import { statement } from './prepared.js'

export { patchState, type PatchState } from './patch-shapes.js'

export interface PatchReport extends PatchState {
  /** One line per patch left off: what was missing. */
  problems: string[]
}

const PROBE = statement('plume_patch_probe', 'select 1 as one')

/**
 * The one entry to the database patches (PostgreSQL only; PGlite has nothing to patch). Checks
 * that the private knex and pg shapes each patch relies on are there — on a real connection and
 * a real transaction — turns on the patches whose shapes are present, and leaves the others
 * off with a warning: the platform then runs on plain knex/pg behaviour, slower but correct.
 * knex and pg are pinned to exact versions (package.json) so that this stays the rare case.
 * @example const report = await installPatches(k, (msg) => logger.warn(msg))
 */
export async function installPatches(k: Knex, warn: (msg: string) => void): Promise<PatchReport> {
  const problems: string[] = []
  const off = (patch: keyof PatchState, problem: string) => {
    patchState[patch] = false
    problems.push(`${patch}: ${problem}`)
    warn(
      `database patch "${patch}" is off, plain knex/pg behaviour is used: ${problem} (knex or pg changed?)`,
    )
  }
  const client = k.client as {
    acquireConnection?(): Promise<unknown>
    releaseConnection?(c: unknown): Promise<void>
    transaction(...args: unknown[]): unknown
  }
  let conn: unknown
  if (typeof client.acquireConnection === 'function') conn = await client.acquireConnection()
  try {
    const cork = corkShapeProblem(conn)
    if (cork) off('cork', cork)
    else patchState.cork = true
    const prep = preparedShapeProblem(client, conn)
    if (prep) off('prepared', prep)
    else patchState.prepared = true
  } finally {
    if (conn !== undefined) await client.releaseConnection?.(conn)
  }
  if (patchState.prepared) {
    // the shapes are there; one named statement shows the driver still takes them
    const rows = await PROBE.rows<{ one: number }>(k, []).catch((err: unknown) => [
      { one: (err as Error).message },
    ])
    if (rows[0]?.one !== 1) off('prepared', `a named statement did not answer (${String(rows[0]?.one)})`)
  }
  const begin = beginShapeProblem((await probeTransaction(k)).made)
  if (begin) off('pipelinedBegin', begin)
  else {
    patchState.pipelinedBegin = true
    pipelineBegin(k.client)
  }
  return { ...patchState, problems }
}

/** A transaction object as knex's client makes it, from one empty transaction (boxed: it is thenable). */
async function probeTransaction(k: Knex): Promise<{ made: unknown }> {
  const client = k.client as { transaction(...args: unknown[]): unknown }
  const make = client.transaction
  let made: unknown
  client.transaction = function (this: unknown, ...args: unknown[]) {
    const trx = make.apply(this, args)
    made ??= trx
    return trx
  }
  try {
    await k.transaction(async () => undefined)
  } finally {
    client.transaction = make
  }
  return { made }
}
