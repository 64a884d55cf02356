import { BadRequest, NotFound } from '@feathersjs/errors'
import type { Id, Params } from '@feathersjs/feathers'
import type { PluginContext } from '@plume/core'
import { FILES_TABLE } from '../schedule/scheduler.js'
import { fileDownload, ReportFile } from './run-service.js'
import { reportFilesDocs } from './docs.js'

const LIST = ['id', 'definitionId', 'reportCode', 'scheduledFor', 'format', 'filename', 'contentType', 'rows', 'error', 'createdAt']

/**
 * `api/report-files`: the files scheduled reports produced. `find` lists them newest first
 * (`?reportCode=…`, `$limit`, `$skip`); `get` downloads one. Guarded as the `reportFiles` resource.
 */
export function reportFilesService(ctx: PluginContext) {
  const knex = ctx.knex
  return {
    docs: reportFilesDocs,
    async find(params: Params) {
      const q = (params.query ?? {}) as Record<string, unknown>
      const limit = Math.min(Number(q.$limit ?? 25) || 25, 200)
      const skip = Number(q.$skip ?? 0) || 0
      const qb = knex(FILES_TABLE).select(LIST).orderBy('id', 'desc').limit(limit).offset(skip)
      if (typeof q.reportCode === 'string') qb.where('reportCode', q.reportCode)
      return { limit, skip, data: await qb }
    },
    async get(id: Id) {
      if (!/^\d{1,10}$/.test(String(id))) throw new BadRequest('Invalid id: must be a positive integer')
      const row = (await knex(FILES_TABLE).where('id', Number(id)).first()) as { content: Buffer | null; contentType: string; filename: string; error: string | null } | undefined
      if (!row) throw new NotFound(`No report file ${String(id)}`)
      if (!row.content) throw new NotFound(`Report file ${String(id)} has no content: ${row.error ?? 'the run failed'}`)
      return new ReportFile(Buffer.from(row.content), row.contentType, row.filename)
    },
    async setup(app: PluginContext['app'], path: string) {
      app.service(path).hooks({ around: { all: [fileDownload()] } })
    },
  }
}
