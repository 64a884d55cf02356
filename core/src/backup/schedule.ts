import type { Knex } from 'knex'
import type { PlumeApp } from '../kernel/types.js'
import { PermanentJobError } from '../jobs/types.js'
import { createBackup } from './archive.js'
import { pruneBackups } from './drill.js'

export const BACKUPS_TABLE = 'plume_backups'
export const BACKUP_JOB = 'ops.backup'

/** Backup settings, from the environment (README "Configuration", docs/operations.md). */
export interface BackupSettings {
  /** `PLUME_BACKUP_DIR`: where backup folders go (default `./backups`). */
  dir: string
  /** `PLUME_BACKUP_EVERY_MINUTES`: a running server backs itself up every so many minutes (off when unset). */
  everyMinutes?: number
  /** `PLUME_BACKUP_KEEP`: backups kept (default 7). */
  keep?: number
  /** `PLUME_BACKUP_KEEP_DAYS`: backups older than this are removed (the newest always stays). */
  keepDays?: number
}

const positive = (v: string | undefined, name: string): number | undefined => {
  if (v === undefined || v === '') return undefined
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new Error(`${name} must be a whole number ≥ 1, not "${v}"`)
  return Number(v)
}

/** @example backupSettingsFromEnv({ PLUME_BACKUP_EVERY_MINUTES: '1440' }).everyMinutes // 1440 */
export function backupSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): BackupSettings {
  return {
    dir: env.PLUME_BACKUP_DIR || './backups',
    everyMinutes: positive(env.PLUME_BACKUP_EVERY_MINUTES, 'PLUME_BACKUP_EVERY_MINUTES'),
    keep: positive(env.PLUME_BACKUP_KEEP, 'PLUME_BACKUP_KEEP') ?? 7,
    keepDays: positive(env.PLUME_BACKUP_KEEP_DAYS, 'PLUME_BACKUP_KEEP_DAYS'),
  }
}

/** Creates `plume_backups` (one row per backup attempt: time, outcome, folder or error) when missing. */
export async function ensureBackupTable(knex: Knex): Promise<void> {
  if (await knex.schema.hasTable(BACKUPS_TABLE)) return
  await knex.schema
    .createTable(BACKUPS_TABLE, (t) => {
      t.bigIncrements('id').primary()
      t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now())
      t.boolean('ok').notNullable()
      t.text('path').nullable()
      t.text('error').nullable()
    })
    .catch((err: unknown) => {
      if (!/already exists/.test(String((err as Error).message))) throw err
    })
}

/** Logs one backup attempt in `plume_backups`. */
export async function recordBackup(
  knex: Knex,
  row: { ok: boolean; path?: string; error?: string },
): Promise<void> {
  await ensureBackupTable(knex)
  await knex(BACKUPS_TABLE).insert({
    ok: row.ok,
    path: row.path ?? null,
    error: row.error?.slice(0, 2000) ?? null,
  })
}

/** Failed backup attempts since the last one that succeeded (the `system` fact's `failedBackups`). */
export async function failedBackups(db: Knex | Knex.Transaction): Promise<number> {
  const exists = (await db.raw('select to_regclass(?) as t', [BACKUPS_TABLE])) as {
    rows: Array<{ t: unknown }>
  }
  if (!exists.rows[0]?.t) return 0
  const res = (await db.raw(
    `select count(*)::int as n from ${BACKUPS_TABLE}
      where not ok and id > coalesce((select max(id) from ${BACKUPS_TABLE} where ok), 0)`,
  )) as { rows: Array<{ n: number }> }
  return Number(res.rows[0]!.n)
}

/**
 * Scheduled backups (`PLUME_BACKUP_EVERY_MINUTES`): each instance's job worker checks every
 * minute and enqueues the job of the current slot with the slot as its key, so with several
 * instances one backup runs per slot (the first slot runs at start-up when it has no backup yet).
 * The job writes the backup, logs it in `plume_backups` and applies retention; a failure is logged
 * there too (raising the `system` fact's `failedBackups`) and dead-letters the job.
 * @example setupScheduledBackups(app, backupSettingsFromEnv())
 */
export function setupScheduledBackups(app: PlumeApp, settings: BackupSettings): void {
  const jobs = app.get('jobs')
  if (!jobs || !settings.everyMinutes) return
  const everyMs = settings.everyMinutes * 60_000
  const db = app.get('db')
  const logger = app.get('logger')
  jobs.register(BACKUP_JOB, async () => {
    try {
      const { path } = await createBackup(db, { dir: settings.dir })
      await recordBackup(db.knex, { ok: true, path })
      await pruneBackups(settings.dir, settings)
      logger.info({ path }, 'backup written')
      return { path }
    } catch (err) {
      const message = (err as Error).message
      await recordBackup(db.knex, { ok: false, error: message })
      logger.error({ err: message }, 'backup failed')
      throw new PermanentJobError(message)
    }
  })
  jobs.maintenance.every('ops.backup-schedule', Math.min(60_000, everyMs), (now) => {
    const slot = new Date(Math.floor(now.getTime() / everyMs) * everyMs).toISOString()
    return jobs.enqueue(BACKUP_JOB, { slot }, { key: `${BACKUP_JOB}:${slot}`, maxAttempts: 1 })
  })
}
