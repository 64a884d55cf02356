import { NotFound } from '@feathersjs/errors'
import type { HookContext, NextFunction, Params } from '@feathersjs/feathers'
import type { PluginContext } from '@plume/core'
import { readImport } from '../store.js'
import type { RowError } from '../rows.js'
import { importErrorsDocs } from './docs.js'

// a text cell starting like a formula would run in a spreadsheet (CSV injection)
const FORMULA_START = /^[=+\-@\t\r]/

function cell(v: string | number): string {
  let s = String(v)
  if (typeof v === 'string' && FORMULA_START.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** Row errors as CSV: a header (row, column, message), CRLF, UTF-8 with a BOM so spreadsheets read Chinese right. */
export function errorsCsv(errors: RowError[]): string {
  const lines = ['row,column,message', ...errors.map((e) => [e.row, e.column, e.message].map(cell).join(','))]
  return `\uFEFF${lines.join('\r\n')}\r\n`
}

class CsvFile {
  constructor(
    readonly body: string,
    readonly filename: string,
  ) {}
}

/** Sends a CsvFile as a download. */
const download = () => async (context: HookContext, next: NextFunction) => {
  await next()
  if (!(context.result instanceof CsvFile)) return
  const file = context.result
  context.http = {
    ...context.http,
    status: 200,
    headers: {
      ...context.http?.headers,
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${file.filename}"`,
      'cache-control': 'no-store',
    },
  }
  context.result = file.body
}

/** `GET /api/imports/:id/errors`: every row error of the import's last run, as a CSV download (the uploader's or an admin's). */
export function importErrorsService(ctx: PluginContext) {
  return {
    docs: importErrorsDocs,
    async find(params: Params & { route?: { id?: string }; user?: unknown }) {
      const id = params.route?.id ?? ''
      const user = params.user as { id?: number; roles?: unknown } | undefined
      const rec = /^\d{1,10}$/.test(id) ? await readImport(ctx.knex, Number(id)) : undefined
      const admin = Array.isArray(user?.roles) && user.roles.includes('admin')
      if (!rec || !user || (rec.userId !== user.id && !admin))
        throw new NotFound(`No import ${id.slice(0, 20)}`)
      return new CsvFile(errorsCsv(rec.errors), `import-${rec.id}-errors.csv`)
    },
    async setup(app: PluginContext['app'], path: string) {
      app.service(path).hooks({ around: { all: [download()] } })
    },
  }
}
