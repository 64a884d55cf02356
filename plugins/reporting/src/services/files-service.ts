import { BadRequest, NotFound } from '@feathersjs/errors'
import type { Id, Params } from '@feathersjs/feathers'
import { parsePage, type PluginContext } from '@plume/core'
import { FILES_TABLE } from '../schedule/scheduler.js'
import { fileDownload, ReportFile } from './run-service.js'
import { reportFilesDocs } from './docs.js'

const LIST = [
  'id',
  'definitionId',
  'reportCode',
  'scheduledFor',
  'format',
  'filename',
  'contentType',
  'rows',
  'error',
  'createdAt',
]
const MAX_LIMIT = 200

/** `reportCode`, `$limit` (0 to 200, default 25) and `$skip`; anything else is a 400 naming it. */
function listQuery(query: unknown): { reportCode?: string; limit: number; skip: number } {
  const q = (query ?? {}) as Record<string, unknown>
  const { $limit: _limit, $skip: _skip, reportCode, ...rest } = q
  const unknown = Object.keys(rest)[0]
  if (unknown !== undefined)
    throw new BadRequest(`Invalid query: ${unknown} is not supported (reportCode, $limit, $skip)`, {
      errors: [{ path: `/${unknown}`, message: 'is not supported' }],
    })
  if (reportCode !== undefined && typeof reportCode !== 'string')
    throw new BadRequest('Invalid query: reportCode must be a single value', {
      errors: [{ path: '/reportCode', message: 'must be a single value' }],
    })
  return { reportCode, ...parsePage(q, { defaultLimit: 25, maxLimit: MAX_LIMIT }) }
}

/**
 * `api/report-files`: the files scheduled reports produced. `find` lists them newest first
 * (`?reportCode=…`, `$limit` up to 200, `$skip`); `get` downloads one. Guarded as the `reportFiles` resource.
 */
export function reportFilesService(ctx: PluginContext) {
  const knex = ctx.knex
  return {
    docs: reportFilesDocs,
    async find(params: Params) {
      const { reportCode, limit, skip } = listQuery(params.query)
      const qb = knex(FILES_TABLE).select(LIST).orderBy('id', 'desc').limit(limit).offset(skip)
      if (reportCode !== undefined) qb.where('reportCode', reportCode)
      return { limit, skip, data: await qb }
    },
    async get(id: Id) {
      if (!/^\d{1,10}$/.test(String(id))) throw new BadRequest('Invalid id: must be a positive integer')
      const row = (await knex(FILES_TABLE).where('id', Number(id)).first()) as
        { content: Buffer | null; contentType: string; filename: string; error: string | null } | undefined
      if (!row) throw new NotFound(`No report file ${String(id)}`)
      if (!row.content)
        throw new NotFound(`Report file ${String(id)} has no content: ${row.error ?? 'the run failed'}`)
      return new ReportFile(Buffer.from(row.content), row.contentType, row.filename)
    },
    async setup(app: PluginContext['app'], path: string) {
      app.service(path).hooks({ around: { all: [fileDownload()] } })
    },
  }
}
