import { createDemoUsers, definePlugin } from '@plume/core'
import { seedBuiltIns } from './builtins.js'
import { checkReportDefinition } from './hooks/check-definition.js'
import { checkDashboardLayout } from './hooks/check-layout.js'
import { runReport } from './run.js'
import { runScheduledReports, startScheduler, stopScheduler } from './schedule/scheduler.js'
import { reportDefinitionsService } from './services/definitions-service.js'
import { reportFilesService } from './services/files-service.js'
import { reportRunService } from './services/run-service.js'
import { aggregatesService } from './services/aggregates-service.js'
import { reportPreviewService } from './services/preview-service.js'

export { runReport, loadDefinition, runValues } from './run.js'
export { aggregate, measureSpecs } from './aggregate.js'
export {
  runScheduledReports,
  FILE_EVENT,
  FILES_TABLE,
  NOTIFICATIONS_TABLE,
  type ScheduledRun,
} from './schedule/scheduler.js'
export { compileReport } from './definition/compile.js'
export { accessFor, type EntityAccess, type AccessOf } from './access.js'
export { BUILT_IN_REPORTS } from './builtins.js'
export { parseCron, cronMatches, lastFire } from './schedule/cron.js'
export { toCsv } from './export/csv.js'
export { toXlsx } from './export/xlsx.js'
export type * from './definition/types.js'

/** What other plugins get with `ctx.use('reporting')`. */
export interface ReportingApi {
  runReport: typeof runReport
  runScheduledReports: typeof runScheduledReports
}

const check = [checkReportDefinition()]
const checkLayout = [checkDashboardLayout()]

/**
 * Reporting: report definitions as data run as SQL aggregates with the caller's permissions,
 * built-in reports, CSV/XLSX export, scheduled files. See docs/reporting.md.
 */
export default definePlugin<ReportingApi>({
  name: 'reporting',
  version: '1.0.0',
  description: {
    en: 'Reports: definitions as data, built-in sales/stock/finance reports, exports, schedules',
    'zh-CN': '报表：数据化定义、内置销售/库存/财务报表、导出与定时',
  },
  // its reports and aggregates read the orders plugin's tables (and the indexes it made on them)
  dependsOn: ['orders'],
  hooks: {
    reportDefinition: { create: check, update: check, patch: check, remove: check },
    dashboardLayout: { create: checkLayout, update: checkLayout, patch: checkLayout },
  },
  services: {
    'api/reports': reportDefinitionsService,
    'api/reports/:id/run': reportRunService,
    'api/report-files': reportFilesService,
    'api/aggregates': aggregatesService,
    'api/report-preview': reportPreviewService,
  },
  // anyone signed in may ask for aggregates: each entity's own read permission scopes (or refuses) them
  rules: [
    {
      name: 'aggregates-read',
      description:
        'Signed-in users may aggregate what they may read (the entity read rules apply to every row counted)',
      effect: 'allow',
      entities: ['aggregates'],
      actions: ['find'],
      conditions: { all: [{ fact: 'user', path: '$.id', operator: 'greaterThan', value: 0 }] },
    },
    {
      name: 'report-preview',
      description:
        'Signed-in users may preview an unsaved report definition (run with their own read permissions, like a saved report)',
      effect: 'allow',
      entities: ['reportPreview'],
      actions: ['create'],
      conditions: { all: [{ fact: 'user', path: '$.id', operator: 'greaterThan', value: 0 }] },
    },
    {
      name: 'dashboard-layouts-own-roles',
      description: 'Users read the dashboard layouts shared with one of their roles (admins write them)',
      effect: 'allow',
      entities: ['dashboardLayout'],
      actions: ['find', 'get'],
      conditions: { all: [{ fact: 'user', path: '$.id', operator: 'greaterThan', value: 0 }] },
      row: { role: { $in: { $fact: 'user.roles' } } },
    },
  ],
  setup(ctx) {
    // an in-process minute timer until the durable job queue lands; tests call runScheduledReports
    if (process.env.PLUME_REPORT_SCHEDULER !== '0' && !process.env.VITEST) startScheduler(ctx.app)
    return { runReport, runScheduledReports }
  },
  async install(ctx) {
    ctx.logger.info(`reporting: ${await seedBuiltIns(ctx)} built-in reports stored`)
  },
  async upgrade(ctx) {
    await seedBuiltIns(ctx)
  },
  // the auditor reads reports and the audit trail, and changes nothing
  async seed(ctx) {
    await createDemoUsers(ctx.app, [
      { email: 'auditor@demo.plume.local', name: 'Auditor', roles: ['auditor'] },
    ])
  },
  async disable(ctx) {
    stopScheduler(ctx.app)
  },
})
