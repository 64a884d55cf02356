import { JOBS_TABLE } from '@plume/core/internal'
import { bulkWrite, withCommitEvents, type BulkItem, type EntityParams, type PlumeApp } from '@plume/core'
import type { Knex } from 'knex'
import type { Caller } from './caller.js'
import { callerParams } from './caller.js'
import { matchExisting, checkUpsertKey } from './keys.js'
import { headerOf as headersByPath, suggestMapping, type Mapping } from './mapping.js'
import { readTable } from './parse.js'
import { resolveRelations } from './relations.js'
import { prepareRows, type PreparedRow, type RowError } from './rows.js'
import { liveImports, readImport, saveImport, type ImportRecord } from './store.js'
import { columnsOf, targetOf, type ImportTarget } from './targets.js'
import { rowErrorsOf, validateRows } from './validate.js'

export const IMPORT_JOB = 'import.run'
/** Progress is written to the database (and the job's lease renewed) every this many rows. */
const PROGRESS_EVERY = 1000

class RollBack extends Error {}

interface Outcome {
  created: number
  updated: number
  errors: RowError[]
}

/**
 * Writes the rows through the target's own service, as the importing user, in one transaction,
 * with the core's bulk write path (`bulkWrite`: every hook of the service per row, the SQL and
 * the audit entries in chunks). A dry run goes on past failed rows, to list them all, and rolls
 * everything back; a commit stops after the chunk holding the first failed row and rolls back, or
 * commits every row at once. Above `BULK_EVENTS_MAX` records, one `imported` event replaces the
 * per-record events.
 */
async function writeRows(
  app: PlumeApp,
  caller: Caller,
  target: ImportTarget,
  rows: PreparedRow[],
  existing: Map<number, number>,
  headers: Map<string, string>,
  dryRun: boolean,
  tick: (n: number) => Promise<void>,
): Promise<Outcome> {
  const knex = app.get('db').knex
  const out: Outcome = { created: 0, updated: 0, errors: rows.flatMap((r) => r.errors) }
  // a commit with rows already known to be wrong would be rolled back: it writes nothing at all
  if (!dryRun && out.errors.length) return { ...out, errors: out.errors.sort((a, b) => a.row - b.row) }
  const todo: Array<{ row: PreparedRow; item: BulkItem }> = []
  rows.forEach((r, i) => {
    const id = existing.get(i)
    if (r.errors.length || (id !== undefined && target.onExisting === 'skip')) return
    todo.push({ row: r, item: id !== undefined ? { id, data: r.data } : { data: r.data } })
  })
  await tick(0)
  try {
    await withCommitEvents(knex, async (trx: Knex.Transaction) => {
      const params = callerParams(caller, trx) as EntityParams
      let ticked = 0
      const done = await bulkWrite(
        app,
        target.path,
        todo.map((t) => t.item),
        params,
        {
          stopOnError: !dryRun,
          onChunk: async (n) => {
            if (n - ticked < PROGRESS_EVERY) return
            ticked = n
            await tick(n)
          },
        },
      )
      done.results.forEach((res, k) => {
        if (res && 'error' in res) out.errors.push(...rowErrorsOf(res.error, todo[k]!.row.row, headers))
      })
      out.created = done.created
      out.updated = done.updated
      await tick(rows.length)
      if (dryRun || out.errors.length) throw new RollBack()
    })
  } catch (err) {
    if (!(err instanceof RollBack)) throw err
  }
  out.errors.sort((a, b) => a.row - b.row)
  // a commit reports the first failed row (the dry run lists them all)
  if (!dryRun && out.errors.length)
    Object.assign(out, {
      created: 0,
      updated: 0,
      errors: out.errors.filter((e) => e.row === out.errors[0]!.row),
    })
  return out
}

/** The user an import runs as, as the services know a signed-in caller; undefined when gone or deactivated. */
async function callerOf(app: PlumeApp, rec: ImportRecord): Promise<Caller | undefined> {
  const user = (await app
    .service('api/users')
    .get(rec.userId)
    .catch(() => undefined)) as (Record<string, unknown> & { id: number }) | undefined
  if (!user || user.active === false) return undefined
  return { user, locale: rec.locale }
}

/**
 * The import job: reads the file, maps and converts its rows, resolves relations and the upsert
 * key, checks every row, writes (or, for a dry run, tries and rolls back) in one transaction,
 * and stores the counts and every row error. Progress is visible while it runs.
 */
export async function runImport(
  app: PlumeApp,
  id: number,
  jobId?: number,
): Promise<ImportRecord | undefined> {
  const knex = app.get('db').knex
  const live = liveImports(app)
  if (live.has(id)) return live.get(id)
  const rec = await readImport(knex, id, true)
  if (!rec || (rec.status !== 'queued' && rec.status !== 'running') || !rec.file) return rec
  const { file, ...state } = rec
  const snapshot: ImportRecord = {
    ...state,
    status: 'running',
    processed: 0,
    startedAt: new Date().toISOString(),
    finishedAt: null,
  }
  live.set(id, snapshot)
  const postgres = app.get('db').kind === 'postgres'
  try {
    await saveImport(knex, id, {
      status: 'running',
      processed: 0,
      startedAt: snapshot.startedAt,
      finishedAt: null,
    })
    const caller = await callerOf(app, rec)
    if (!caller)
      return await finish(knex, snapshot, {
        status: 'error',
        errors: [{ row: 0, column: '', message: 'the user who started the import can no longer sign in' }],
        errorCount: 1,
      })
    const target = targetOf(app, rec.entity)
    const table = await readTable(file, rec.format)
    const mapping: Mapping = rec.mapping ?? suggestMapping(table.header, columnsOf(app, target))
    const headers = headersByPath(mapping)
    snapshot.total = table.rows.length
    const rows = prepareRows(
      target.entity,
      table.header,
      table.rows,
      table.rowNumbers,
      mapping,
      caller.locale,
    )
    await resolveRelations(app, caller, target, rows, mapping)
    const existing = await matchExisting(
      app,
      caller,
      target,
      checkUpsertKey(target, rec.upsertKey ?? undefined),
      rows,
      headers,
    )
    validateRows(target, rows, existing, headers, caller.locale)
    const tick = async (n: number) => {
      snapshot.processed = n
      // on PGlite the transaction holds the only connection: progress stays in memory
      if (!postgres) return
      await saveImport(knex, id, { processed: n, total: snapshot.total })
      if (jobId)
        await knex(JOBS_TABLE)
          .where({ id: jobId, status: 'running' })
          .update({ lockedUntil: new Date(Date.now() + 120_000) })
    }
    const dryRun = rec.mode !== 'commit'
    const out = await writeRows(app, caller, target, rows, existing, headers, dryRun, tick)
    const status = dryRun ? 'checked' : out.errors.length ? 'failed' : 'done'
    return await finish(knex, snapshot, {
      status,
      created: out.created,
      updated: out.updated,
      errors: out.errors,
      errorCount: out.errors.length,
      processed: rows.length,
      mapping,
    })
  } catch (err) {
    app.get('logger').warn({ err: (err as Error).message, import: id }, 'import: run failed')
    const message =
      (err as { name?: string }).name === 'BadRequest'
        ? (err as Error).message
        : 'the import could not run; nothing was written'
    return await finish(knex, snapshot, {
      status: 'error',
      errors: [{ row: 0, column: '', message }],
      errorCount: 1,
    })
  } finally {
    live.delete(id)
  }
}

async function finish(knex: Knex, snapshot: ImportRecord, set: Partial<ImportRecord>): Promise<ImportRecord> {
  const done = { ...snapshot, ...set, finishedAt: new Date().toISOString() }
  await saveImport(knex, snapshot.id, { ...set, total: done.total, finishedAt: done.finishedAt })
  return done
}
