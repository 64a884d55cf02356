import { randomBytes } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import knex from 'knex'
import { verifyAuditChain } from '../audit/verify.js'
import { connectDatabase } from '../db/connect.js'
import { MANIFEST_FILE, readBackup, restoreBackup, type RestoreTarget } from './archive.js'
import { auditHead, countMismatches, tableCounts, type BackupManifest } from './manifest.js'
import { BackupError } from './pg-tools.js'

export interface DrillReport {
  ok: boolean
  backup: string
  /** The step that failed (`checksum`, `restore`, `counts`, `audit`, …), absent on success. */
  failedStep?: BackupError['step']
  message: string
  createdAt?: string
  tables?: number
  rows?: number
  countMismatches?: ReturnType<typeof countMismatches>
  auditChecked?: number
}

/**
 * The restore drill: checks the archive's checksum, restores it into a scratch database (a fresh
 * PGlite folder in the temp directory, or a new database `plume_drill_…` on the PostgreSQL server
 * of `serverUrl`), compares every table's row count with the manifest, verifies the audit chain
 * (and that its head is the manifest's), then removes the scratch database. Never throws for a
 * bad backup: the report says which step failed.
 * @example const report = await restoreDrill('backups/plume-…-postgres', { serverUrl: process.env.DATABASE_URL })
 */
export async function restoreDrill(
  path: string,
  opts: { serverUrl?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<DrillReport> {
  let manifest: BackupManifest | undefined
  const cleanup: Array<() => Promise<void>> = []
  try {
    manifest = await readBackup(path)
    const target = await scratchTarget(manifest, opts.serverUrl, cleanup)
    await restoreBackup(path, target, { env: opts.env })
    const db = await connectDatabase(
      target.kind === 'postgres' ? { url: target.url } : { dataDir: target.dataDir },
    )
    try {
      const mismatches = countMismatches(manifest.rowCounts, await tableCounts(db.knex))
      if (mismatches.length > 0)
        return report(path, manifest, {
          ok: false,
          failedStep: 'counts',
          message: `row counts differ from the manifest in ${mismatches.length} table(s): ${mismatches.map((m) => m.table).join(', ')}`,
          countMismatches: mismatches,
        })
      const chain = await verifyAuditChain(db.knex)
      if (!chain.ok)
        return report(path, manifest, {
          ok: false,
          failedStep: 'audit',
          message: `the restored audit chain does not verify: ${chain.firstBad?.message ?? 'broken'}`,
          auditChecked: chain.checked,
        })
      const head = await auditHead(db.knex)
      if (JSON.stringify(head) !== JSON.stringify(manifest.auditHead))
        return report(path, manifest, {
          ok: false,
          failedStep: 'audit',
          message: `the restored audit head (${head ? `#${head.lastId}` : 'none'}) is not the manifest's (${manifest.auditHead ? `#${manifest.auditHead.lastId}` : 'none'})`,
        })
      return report(path, manifest, {
        ok: true,
        message:
          'restored into a scratch database: row counts match the manifest and the audit chain verifies',
        auditChecked: chain.checked,
      })
    } finally {
      await db.close()
    }
  } catch (err) {
    const step = err instanceof BackupError ? err.step : 'restore'
    const message = err instanceof BackupError ? err.message : `restore failed: ${(err as Error).message}`
    return report(path, manifest, { ok: false, failedStep: step, message })
  } finally {
    for (const c of cleanup.reverse()) await c().catch(() => undefined)
  }
}

function report(
  path: string,
  manifest: BackupManifest | undefined,
  r: Omit<DrillReport, 'backup'>,
): DrillReport {
  const counts = Object.values(manifest?.rowCounts ?? {})
  return {
    backup: path,
    ...(manifest
      ? { createdAt: manifest.createdAt, tables: counts.length, rows: counts.reduce((a, b) => a + b, 0) }
      : {}),
    ...r,
  }
}

async function scratchTarget(
  manifest: BackupManifest,
  serverUrl: string | undefined,
  cleanup: Array<() => Promise<void>>,
): Promise<RestoreTarget> {
  if (manifest.database === 'pglite') {
    const dataDir = await mkdtemp(join(tmpdir(), 'plume-drill-'))
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }))
    return { kind: 'pglite', dataDir }
  }
  if (!serverUrl)
    throw new BackupError(
      'target',
      'a drill of a PostgreSQL backup needs DATABASE_URL (the server to restore on)',
    )
  const name = `plume_drill_${randomBytes(6).toString('hex')}`
  const admin = knex({ client: 'pg', connection: serverUrl, pool: { min: 0, max: 1 } })
  try {
    await admin.raw('create database ??', [name])
  } finally {
    await admin.destroy()
  }
  cleanup.push(async () => {
    const a = knex({ client: 'pg', connection: serverUrl, pool: { min: 0, max: 1 } })
    await a.raw('drop database if exists ?? with (force)', [name]).finally(() => a.destroy())
  })
  const u = new URL(serverUrl)
  u.pathname = `/${name}`
  return { kind: 'postgres', url: u.toString() }
}

/** The backup folders in `dir`, newest first, with their manifests (folders without one are skipped). */
export async function listBackups(dir: string): Promise<Array<{ path: string; manifest: BackupManifest }>> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch {
    return []
  }
  const out: Array<{ path: string; manifest: BackupManifest }> = []
  for (const name of names.filter((n) => n.startsWith('plume-') && !n.endsWith('.partial'))) {
    try {
      const manifest = JSON.parse(await readFile(join(dir, name, MANIFEST_FILE), 'utf8')) as BackupManifest
      out.push({ path: join(dir, name), manifest })
    } catch {
      /* not a complete backup folder */
    }
  }
  return out.sort((a, b) => b.manifest.createdAt.localeCompare(a.manifest.createdAt))
}

/**
 * Retention: keeps the newest `keep` backups and, with `keepDays`, none older than that many days;
 * the newest backup always stays. Answers the folders removed.
 * @example await pruneBackups('./backups', { keep: 7, keepDays: 30 })
 */
export async function pruneBackups(
  dir: string,
  policy: { keep?: number; keepDays?: number },
  now = new Date(),
): Promise<string[]> {
  const all = await listBackups(dir)
  const cutoff = policy.keepDays ? now.getTime() - policy.keepDays * 86_400_000 : -Infinity
  const gone = all.filter(
    (b, i) =>
      i > 0 &&
      ((policy.keep !== undefined && i >= policy.keep) || new Date(b.manifest.createdAt).getTime() < cutoff),
  )
  for (const b of gone) await rm(b.path, { recursive: true, force: true })
  return gone.map((b) => b.path)
}
