import { Conflict, NotFound } from '@feathersjs/errors'
import type { Id, Params } from '@feathersjs/feathers'
import { parsePage, type PlumeApp, type PluginContext } from '@plume/core'
import { localeOfHeaders } from '../messages.js'
import { checkUpsertKey } from '../keys.js'
import { checkMapping, suggestMapping } from '../mapping.js'
import { IMPORTS_TABLE } from '../migrations/20261207180000-imports.js'
import { readTable, type ImportFormat } from '../parse.js'
import { IMPORT_JOB } from '../run.js'
import { COLUMNS, liveImports, readImport, saveImport, shape, type ImportRecord } from '../store.js'
import { columnsOf, targetOf } from '../targets.js'
import { filePart, invalid, MAX_FILE_BYTES, objectBody, optionalBoolean } from './body.js'
import { importsDocs } from './docs.js'

type Caller = { id: number; roles?: unknown }
type UserParams = Params & { user?: unknown }
const SAMPLE_ROWS = 5
const SHOWN_ERRORS = 1000
const RUNNABLE = new Set(['uploaded', 'checked', 'failed', 'error'])

function callerOf(params: UserParams): Caller {
  const user = params.user as Caller | undefined
  if (!user || !Number.isInteger(user.id)) throw new NotFound('No such import')
  return user
}

const isAdmin = (u: Caller) => Array.isArray(u.roles) && u.roles.includes('admin')

/** What a client sees of an import: no file, the fields its columns may map to, the first row errors. */
function view(app: PlumeApp, rec: ImportRecord) {
  const { errors, ...rest } = rec
  let columns: unknown[] = []
  try {
    columns = columnsOf(app, targetOf(app, rec.entity))
  } catch {
    // the entity's plugin was switched off since: the import shows, but cannot run
  }
  return { ...rest, columns, errors: errors.slice(0, SHOWN_ERRORS) }
}

/**
 * `api/imports`: upload a CSV/XLSX file in base64 parts, read its columns and a suggested mapping,
 * then `PATCH {run: 'dry-run' | 'commit'}` queues the import job. Each user sees their own
 * imports (admins every one). See docs/import.md.
 */
export function importsService(ctx: PluginContext) {
  const app = ctx.app
  const knex = ctx.knex
  const own = async (id: Id, params: Params, withFile = false) => {
    const user = callerOf(params)
    if (!/^\d{1,10}$/.test(String(id))) throw invalid('id', 'must be a positive integer')
    const live = liveImports(app).get(Number(id))
    const rec = live && !withFile ? live : await readImport(knex, Number(id), withFile)
    if (!rec || (rec.userId !== user.id && !isAdmin(user))) throw new NotFound(`No import ${String(id)}`)
    return rec
  }
  /** The file is complete: read its header and first rows, suggest a mapping. */
  const analyse = async (rec: ImportRecord, file: Buffer, mapping: unknown) => {
    const table = await readTable(file, rec.format)
    const columns = columnsOf(app, targetOf(app, rec.entity))
    const set = {
      uploaded: true,
      status: 'uploaded' as const,
      header: table.header,
      sample: table.rows.slice(0, SAMPLE_ROWS),
      total: table.rows.length,
      mapping:
        mapping === undefined
          ? suggestMapping(table.header, columns)
          : checkMapping(mapping, table.header, columns),
    }
    await saveImport(knex, rec.id, set)
    return { ...rec, ...set }
  }
  return {
    docs: importsDocs,
    async find(params: Params) {
      const user = callerOf(params)
      const { $limit, $skip } = (params.query ?? {}) as Record<string, unknown>
      const page = parsePage({ $limit, $skip }, { defaultLimit: 25, maxLimit: 100 })
      const qb = knex(IMPORTS_TABLE)
        .select(COLUMNS.filter((c) => c !== 'errors' && c !== 'sample'))
        .orderBy('id', 'desc')
        .limit(page.limit)
        .offset(page.skip)
      if (!isAdmin(user)) qb.where('userId', user.id)
      const rows = (await qb) as Array<Record<string, unknown>>
      return { limit: page.limit, skip: page.skip, data: rows.map((r) => shape({ ...r, errors: '[]' })) }
    },
    async get(id: Id, params: Params) {
      return view(app, await own(id, params))
    },
    async create(data: unknown, params: Params) {
      const user = callerOf(params)
      const body = objectBody(data, [
        'entity',
        'format',
        'filename',
        'file',
        'more',
        'mapping',
        'upsertKey',
        'locale',
      ])
      const target = targetOf(app, body.entity)
      if (body.format !== 'csv' && body.format !== 'xlsx') throw invalid('format', 'must be csv or xlsx')
      if (body.filename !== undefined && (typeof body.filename !== 'string' || body.filename.length > 200))
        throw invalid('filename', 'must be text of at most 200 characters')
      const file = filePart(body.file, 'file')
      if (file.length > MAX_FILE_BYTES) throw invalid('file', 'must be at most 50 MB')
      const more = optionalBoolean(body.more, 'more')
      if (body.locale !== undefined && body.locale !== 'en' && body.locale !== 'zh-CN')
        throw invalid('locale', 'must be en or zh-CN')
      const locale = (body.locale as 'en' | 'zh-CN' | undefined) ?? localeOfHeaders(params.headers)
      const upsertKey = checkUpsertKey(target, body.upsertKey)
      const inserted = (await knex(IMPORTS_TABLE)
        .insert({
          userId: user.id,
          entity: target.name,
          format: body.format as ImportFormat,
          filename: (body.filename as string | undefined) ?? null,
          locale,
          file,
          status: 'uploading',
          upsertKey: JSON.stringify(upsertKey),
        })
        .returning(COLUMNS)) as Array<Record<string, unknown>>
      const rec = shape(inserted[0]!)
      if (more) return view(app, rec)
      try {
        return view(app, await analyse(rec, file, body.mapping))
      } catch (err) {
        await knex(IMPORTS_TABLE).where('id', rec.id).delete()
        throw err
      }
    },
    async patch(id: Id, data: unknown, params: Params) {
      const body = objectBody(data, ['append', 'more', 'mapping', 'upsertKey', 'run'])
      const rec = await own(id, params)
      if (rec.status === 'done')
        throw new Conflict(
          'This import was committed already: nothing is written twice. Upload the file again to import it anew.',
        )
      if (rec.status === 'queued' || rec.status === 'running')
        throw new Conflict('This import is running: wait until it ends')
      if (body.append !== undefined) {
        if (rec.status !== 'uploading')
          throw invalid('append', 'is only accepted while the file is being uploaded')
        const part = filePart(body.append, 'append')
        const size = Number(
          (
            (await knex(IMPORTS_TABLE)
              .where('id', rec.id)
              .select(knex.raw('octet_length(file) as n'))
              .first()) as { n: number | string }
          ).n,
        )
        if (size + part.length > MAX_FILE_BYTES) throw invalid('append', 'makes the file larger than 50 MB')
        await knex(IMPORTS_TABLE)
          .where('id', rec.id)
          .update({ file: knex.raw('file || ?', [part]), updatedAt: new Date() })
        if (optionalBoolean(body.more, 'more')) return view(app, rec)
        const full = (await readImport(knex, rec.id, true))!
        return view(app, await analyse(rec, full.file!, body.mapping))
      }
      if (!rec.uploaded) throw invalid('run', 'needs the whole file first (the last part without more)')
      const target = targetOf(app, rec.entity)
      const set: Partial<ImportRecord> = {}
      if (body.mapping !== undefined)
        set.mapping = checkMapping(body.mapping, rec.header ?? [], columnsOf(app, target))
      if (body.upsertKey !== undefined) set.upsertKey = checkUpsertKey(target, body.upsertKey)
      if (body.run !== undefined) {
        if (body.run !== 'dry-run' && body.run !== 'commit') throw invalid('run', 'must be dry-run or commit')
        if (!RUNNABLE.has(rec.status)) throw new Conflict(`This import cannot run now (${rec.status})`)
        Object.assign(set, {
          mode: body.run,
          status: 'queued',
          processed: 0,
          created: 0,
          updated: 0,
          errorCount: 0,
          errors: [],
          startedAt: null,
          finishedAt: null,
        })
      }
      await saveImport(knex, rec.id, set)
      if (body.run !== undefined) {
        const jobs = app.get('jobs')
        if (!jobs) throw new Error('import: the job queue is not set up')
        const jobId = await jobs.enqueue(
          IMPORT_JOB,
          { importId: rec.id },
          { maxAttempts: 3, backoffMs: 5_000 },
        )
        if (jobId !== undefined) await saveImport(knex, rec.id, { jobId })
      }
      return view(app, (await readImport(knex, rec.id))!)
    },
  }
}
