import { definePlugin } from '@plume/core'
import { IMPORT_JOB, runImport } from './run.js'
import { importErrorsService } from './services/errors-service.js'
import { importsService } from './services/imports-service.js'

export { runImport, IMPORT_JOB } from './run.js'
export { readTable, type ImportFormat, type Table } from './parse.js'
export { suggestMapping, checkMapping, type Mapping } from './mapping.js'
export { errorsCsv } from './services/errors-service.js'
export { OPENING_STOCK, targetOf, columnsOf, type ImportTarget, type ImportColumn } from './targets.js'
export type { ImportRecord, ImportStatus } from './store.js'
export type { RowError } from './rows.js'

/**
 * Import: CSV/XLSX files into any entity (customers, contacts, products, price-list items …) and
 * opening stock, through the entities' own services as the uploading user — the same validation,
 * permissions and hooks as the API — with a dry run, an upsert key, all-or-nothing commit in one
 * transaction, and a background job with progress. See docs/import.md.
 */
export default definePlugin({
  name: 'import',
  version: '1.0.0',
  description: {
    en: 'Import of CSV and XLSX files with a dry run',
    'zh-CN': 'CSV 与 XLSX 文件导入（含试运行）',
  },
  dependsOn: [],
  services: {
    'api/imports': importsService,
    'api/imports/:id/errors': importErrorsService,
  },
  // any signed-in user may import: each row is written with their own permissions (fail closed there)
  rules: [
    {
      name: 'imports-own',
      description:
        'Signed-in users may upload and run imports; every row is written with their own permissions, and they see only their own imports',
      effect: 'allow',
      entities: ['imports'],
      actions: ['find', 'get', 'create', 'patch'],
      conditions: { all: [{ fact: 'user', path: '$.id', operator: 'greaterThan', value: 0 }] },
    },
  ],
  setup(ctx) {
    const jobs = ctx.app.get('jobs')
    if (!jobs) throw new Error('import: the job queue is not set up')
    jobs.register(IMPORT_JOB, async (payload, job) => {
      const out = await runImport(ctx.app, Number(payload.importId), job.job.id)
      return out
        ? { status: out.status, created: out.created, updated: out.updated, errorCount: out.errorCount }
        : null
    })
  },
})
