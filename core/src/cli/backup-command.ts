/**
 * `npm run plume -- backup|restore|drill`: backups of the database of
 * `DATABASE_URL` / `PLUME_DATA_DIR` (README, docs/operations.md "Backups and restore drills").
 * - `backup [--dir backups] [--keep N] [--keep-days D]` writes a backup folder, applies retention, prints its manifest;
 * - `restore <backup folder> [--force]` restores it (checksum first; `--force` replaces a database that holds data);
 * - `drill [<backup folder>] [--dir backups]` restores the given (or newest) backup into a scratch database and
 *   checks row counts and the audit chain; exit code 0 when it passes, 1 when it fails.
 * Errors print one line (no stack); exit code 1, usage errors 2.
 */
import { connectDatabase, databaseOptionsFromEnv } from '../db/connect.js'
import { backupSettingsFromEnv, recordBackup } from '../backup/schedule.js'
import { createBackup, restoreBackup } from '../backup/archive.js'
import { listBackups, pruneBackups, restoreDrill } from '../backup/drill.js'
import { BackupError } from '../backup/pg-tools.js'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'

const USAGE =
  'usage: plume backup [--dir <folder>] [--keep <n>] [--keep-days <d>] | plume restore <backup folder> [--force] | plume drill [<backup folder>] [--dir <folder>]'

export const BACKUP_COMMANDS = ['backup', 'restore', 'drill'] as const

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : undefined
}

function count(args: string[], name: string, fallback?: number): number | undefined {
  const v = option(args, name)
  if (v === undefined) return fallback
  if (!/^\d+$/.test(v) || Number(v) < 1)
    throw new BackupError('target', `${name} must be a whole number ≥ 1, not "${v}"`)
  return Number(v)
}

/** Runs one backup command; answers the exit code. */
export async function backupCli(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  print: (s: string) => void = console.log,
): Promise<number> {
  const [command, ...rest] = args
  const positional = rest.filter((a, i) => !a.startsWith('--') && !rest[i - 1]?.startsWith('--'))
  const settings = backupSettingsFromEnv(env)
  const dir = option(rest, '--dir') ?? settings.dir
  const dbOptions = databaseOptionsFromEnv(env)
  try {
    if (command === 'backup') {
      const keep = count(rest, '--keep', settings.keep)
      const keepDays = count(rest, '--keep-days', settings.keepDays)
      if (!dbOptions.url && existsSync(join(resolve(dbOptions.dataDir ?? './data'), 'pg', 'postmaster.pid')))
        throw new BackupError(
          'target',
          `${dbOptions.dataDir} is in use: stop the server first (a running server takes its own backups with PLUME_BACKUP_EVERY_MINUTES)`,
        )
      const db = await connectDatabase(dbOptions)
      try {
        const done = await createBackup(db, { dir, env })
        await recordBackup(db.knex, { ok: true, path: done.path })
        const pruned = await pruneBackups(dir, { keep, keepDays })
        print(JSON.stringify({ path: done.path, manifest: done.manifest, pruned }, null, 2))
        return 0
      } finally {
        await db.close()
      }
    }
    if (command === 'restore' && positional[0]) {
      const manifest = await restoreBackup(
        positional[0],
        dbOptions.url
          ? { kind: 'postgres', url: dbOptions.url }
          : { kind: 'pglite', dataDir: dbOptions.dataDir ?? './data' },
        { force: rest.includes('--force'), env },
      )
      print(JSON.stringify({ restored: positional[0], manifest }, null, 2))
      return 0
    }
    if (command === 'drill') {
      const path = positional[0] ?? (await listBackups(dir))[0]?.path
      if (!path) throw new BackupError('manifest', `no backup in ${dir}`)
      const report = await restoreDrill(path, { serverUrl: dbOptions.url, env })
      print(JSON.stringify(report, null, 2))
      return report.ok ? 0 : 1
    }
  } catch (err) {
    print(`${command} failed: ${err instanceof BackupError ? err.message : (err as Error).message}`)
    return 1
  }
  print(USAGE)
  return 2
}
