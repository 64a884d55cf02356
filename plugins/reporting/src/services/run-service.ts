import { BadRequest } from '@feathersjs/errors'
import type { HookContext, NextFunction, Params } from '@feathersjs/feathers'
import type { PlumeApp, PluginContext } from '@plume/core'
import type { ReportResult, ResultColumn } from '../definition/types.js'
import { toCsv } from '../export/csv.js'
import { toXlsx } from '../export/xlsx.js'
import { runReport } from '../run.js'
import { reportRunDocs } from './docs.js'

/** A file answer: the download hook turns it into the response body and headers. */
export class ReportFile {
  constructor(
    readonly body: Buffer | string,
    readonly contentType: string,
    readonly filename: string,
  ) {}
}

export const CSV_TYPE = 'text/csv; charset=utf-8'
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

const stamp = (iso: string) => iso.slice(0, 16).replace(/[-:]/g, '').replace('T', '-')

/**
 * The header of an export: column keys (stable for integrations), or with `labels=en|zh-CN` the
 * columns' names in that language (the key where a column has no label).
 */
function headerOf(labels: unknown): ((c: ResultColumn) => string) | undefined {
  if (labels === undefined || labels === '') return undefined
  if (labels !== 'en' && labels !== 'zh-CN')
    throw new BadRequest('Invalid report parameter: labels must be en or zh-CN', {
      errors: [{ path: '/labels', message: 'must be en or zh-CN' }],
    })
  return (c) => c.label?.[labels] ?? c.key
}

/**
 * A result in the requested format (`json` by default, `csv`, `xlsx`); `labels` names the header's language.
 * @example await render(result, 'csv', 'zh-CN') // ReportFile, text/csv, Chinese column names
 */
export async function render(
  result: ReportResult,
  format: unknown,
  labels?: unknown,
): Promise<ReportResult | ReportFile> {
  const header = headerOf(labels)
  if (format === undefined || format === '' || format === 'json') return result
  const base = `${result.report.code}-${stamp(result.generatedAt)}`
  if (format === 'csv') return new ReportFile(toCsv(result, header), CSV_TYPE, `${base}.csv`)
  if (format === 'xlsx') return new ReportFile(await toXlsx(result, header), XLSX_TYPE, `${base}.xlsx`)
  throw new BadRequest('Invalid report parameter: format must be json, csv or xlsx', {
    errors: [{ path: '/format', message: 'must be json, csv or xlsx' }],
  })
}

/** Sends a {@link ReportFile} as a download (content type, disposition, status 200). */
export const fileDownload = () => async (context: HookContext, next: NextFunction) => {
  await next()
  if (context.result instanceof ReportFile) {
    const file = context.result
    context.http = {
      ...context.http,
      status: 200,
      headers: {
        ...context.http?.headers,
        'content-type': file.contentType,
        'content-disposition': `attachment; filename="${file.filename}"`,
        'cache-control': 'no-store',
      },
    }
    context.result = file.body
  } else if (context.method === 'create') context.http = { ...context.http, status: 200 }
}

type RunRouteParams = Params & { route?: { id?: string } }

/**
 * `GET|POST /api/reports/:id/run` (`:id` is the id or the code): runs the report for the caller.
 * Parameters come from the query string (GET) or the body (POST): from, to, asOf, days, period,
 * filters, limit; `?format=csv|xlsx` answers a file download.
 */
export function reportRunService(ctx: PluginContext) {
  const app: PlumeApp = ctx.app
  const run = async (raw: Record<string, unknown>, params: RunRouteParams) => {
    const { format, labels, ...rest } = raw
    const id = params.route?.id ?? ''
    const result = await runReport(app, id, rest, params as { provider?: string; user?: unknown })
    return render(result, format, labels)
  }
  return {
    docs: reportRunDocs,
    async find(params: RunRouteParams) {
      return run({ ...(params.query ?? {}) }, params)
    },
    async create(data: unknown, params: RunRouteParams) {
      if (data !== undefined && data !== null && (typeof data !== 'object' || Array.isArray(data)))
        throw new BadRequest('The body must be an object of report parameters')
      const { format, labels, ...query } = (params.query ?? {}) as Record<string, unknown>
      if (Object.keys(query).length)
        throw new BadRequest(
          `Invalid report parameter: "${Object.keys(query)[0]}" belongs in the body of a POST`,
        )
      return run(
        {
          ...((data as Record<string, unknown>) ?? {}),
          ...(format !== undefined ? { format } : {}),
          ...(labels !== undefined ? { labels } : {}),
        },
        params,
      )
    },
    async setup(a: PlumeApp, path: string) {
      a.service(path).hooks({ around: { all: [fileDownload()] } })
    },
  }
}
