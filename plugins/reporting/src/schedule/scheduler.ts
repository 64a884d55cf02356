import type { PlumeApp } from '@plume/core'
import type { ReportDefinition } from '../definition/types.js'
import { toXlsx } from '../export/xlsx.js'
import { runReport } from '../run.js'
import { XLSX_TYPE } from '../services/run-service.js'
import { lastFire, parseCron } from './cron.js'

export const FILES_TABLE = 'plume_report_files'
export const NOTIFICATIONS_TABLE = 'plume_report_notifications'
/** Emitted on the app for every scheduled file (the notifications plugin can relay it). */
export const FILE_EVENT = 'report.file'

export interface ScheduledRun {
  code: string
  definitionId: number
  scheduledFor: string
  fileId?: number
  rows?: number
  error?: string
}

/**
 * Runs every scheduled report whose cron fired since its last file (or since it was created),
 * once per fire time: each produces an .xlsx file in `plume_report_files` and a row in
 * `plume_report_notifications`, and emits `report.file` on the app. A slot is claimed by a unique
 * (definition, time) key, so two instances never both store it. Reports run with full access
 * (as the system), like any internal call.
 * @example await runScheduledReports(app, new Date())
 */
export async function runScheduledReports(app: PlumeApp, now: Date = new Date()): Promise<ScheduledRun[]> {
  const knex = app.get('db').knex
  const logger = app.get('logger')
  const defs = (await knex('report_definitions').whereNotNull('schedule').whereNot('schedule', '')) as Array<
    ReportDefinition & { id: number; createdAt: Date }
  >
  const out: ScheduledRun[] = []
  for (const def of defs) {
    let cron
    try {
      cron = parseCron(def.schedule!)
    } catch (err) {
      logger.warn(
        { report: def.code, err: (err as Error).message },
        'report schedule ignored: not a valid cron expression',
      )
      continue
    }
    const last = (await knex(FILES_TABLE)
      .where('definitionId', def.id)
      .max({ at: 'scheduledFor' })
      .first()) as { at: Date | null } | undefined
    const after = last?.at ? new Date(last.at) : new Date(def.createdAt)
    const due = lastFire(cron, now, after)
    if (!due) continue
    const run: ScheduledRun = { code: def.code, definitionId: def.id, scheduledFor: due.toISOString() }
    let content: Buffer | null = null
    try {
      const result = await runReport(app, def, { asOf: due.toISOString() })
      if (!result.available) throw new Error(result.message)
      content = await toXlsx(result)
      run.rows = result.rows.length
    } catch (err) {
      run.error = (err as Error).message
      logger.error({ report: def.code, err: run.error }, 'scheduled report failed')
    }
    const filename = `${def.code}-${run.scheduledFor.slice(0, 16).replace(/[-:]/g, '').replace('T', '-')}.xlsx`
    const stored = await knex.transaction(async (trx) => {
      const [file] = (await trx(FILES_TABLE)
        .insert({
          definitionId: def.id,
          reportCode: def.code,
          scheduledFor: due,
          format: 'xlsx',
          filename,
          contentType: XLSX_TYPE,
          content,
          rows: run.rows ?? null,
          error: run.error ?? null,
        })
        .onConflict(['definitionId', 'scheduledFor'])
        .ignore()
        .returning('id')) as Array<{ id: number }>
      if (!file) return undefined
      const message = run.error
        ? `Scheduled report "${def.name}" failed: ${run.error}`
        : `Scheduled report "${def.name}" is ready (${run.rows} rows)`
      await trx(NOTIFICATIONS_TABLE).insert({ fileId: file.id, reportCode: def.code, message })
      return file.id
    })
    if (stored === undefined) continue
    run.fileId = stored
    app.emit(FILE_EVENT, { ...run })
    out.push(run)
  }
  return out
}

const timers = new WeakMap<object, NodeJS.Timeout>()

/** Checks the schedules once a minute in this process (the durable job queue will replace it). */
export function startScheduler(app: PlumeApp, everyMs = 60_000): void {
  if (timers.has(app)) return
  const timer = setInterval(() => {
    runScheduledReports(app).catch((err: unknown) =>
      app.get('logger').error({ err }, 'report scheduler failed'),
    )
  }, everyMs)
  timer.unref()
  timers.set(app, timer)
}

export function stopScheduler(app: PlumeApp): void {
  const timer = timers.get(app)
  if (timer) clearInterval(timer)
  timers.delete(app)
}
