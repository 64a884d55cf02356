import { mkdir, readFile, rename, rm, writeFile, readdir } from 'node:fs/promises'
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { PGlite } from '@electric-sql/pglite'
import type { Knex } from 'knex'
import knex from 'knex'
import type { Database, DatabaseKind } from '../kernel/database.js'
import { auditHead, fileDigest, tableCounts, type BackupManifest } from './manifest.js'
import { BackupError, pgTool, runPgTool } from './pg-tools.js'

const ARCHIVE: Record<DatabaseKind, string> = { pglite: 'database.tar.gz', postgres: 'database.dump' }
export const MANIFEST_FILE = 'manifest.json'

/** Plume's version (core/package.json), written into each manifest. */
export const PLUME_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version

/** What a Knex instance of `connectDatabase` is connected to: the PGlite instance or the server URL. */
function connectionOf(k: Knex): { pglite?: PGlite; connectionString?: string } {
  const client = k.client as { config: { connection?: unknown } }
  return (client.config.connection ?? {}) as { pglite?: PGlite; connectionString?: string }
}

const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace('.', '')

/**
 * Writes one backup of `db` into a new folder `<dir>/plume-<UTC time>-<kind>/`: the archive
 * (PostgreSQL: `pg_dump -Fc`; PGlite: its data-dir dump, gzip tar) and `manifest.json` (time,
 * version, kind, row counts, audit head, SHA-256). Counts, audit head and archive come from one
 * snapshot: PostgreSQL exports it to `pg_dump --snapshot`; PGlite dumps inside a transaction that
 * holds its only connection. The folder appears only complete (written as `.partial`, renamed).
 * @example const { path, manifest } = await createBackup(db, { dir: './backups' })
 */
export async function createBackup(
  db: Database,
  opts: { dir: string; now?: () => Date; env?: NodeJS.ProcessEnv },
): Promise<{ path: string; manifest: BackupManifest }> {
  const at = opts.now?.() ?? new Date()
  const name = `plume-${stamp(at)}-${db.kind}`
  const final = join(resolve(opts.dir), name)
  const partial = `${final}.partial`
  await mkdir(partial, { recursive: true })
  try {
    const file = join(partial, ARCHIVE[db.kind])
    const conn = connectionOf(db.knex)
    let snapshot: Pick<BackupManifest, 'rowCounts' | 'auditHead'>
    if (db.kind === 'postgres') {
      const url = conn.connectionString
      if (!url) throw new BackupError('target', 'the PostgreSQL connection has no URL')
      const tool = pgTool('pg_dump', opts.env)
      snapshot = await db.knex.transaction(async (trx) => {
        await trx.raw('set transaction isolation level repeatable read, read only')
        const res = (await trx.raw('select pg_export_snapshot() as s')) as { rows: Array<{ s: string }> }
        const counted = { rowCounts: await tableCounts(trx), auditHead: await auditHead(trx) }
        const args = [
          '--format=custom',
          '--no-owner',
          '--no-privileges',
          `--snapshot=${res.rows[0]!.s}`,
          '--file',
          file,
        ]
        await runPgTool(tool, args, url, 'dump', opts.env)
        return counted
      })
    } else {
      const pg = conn.pglite
      if (!pg) throw new BackupError('target', 'the PGlite connection has no instance')
      await db.knex.raw('checkpoint')
      snapshot = await db.knex.transaction(async (trx) => {
        const counted = { rowCounts: await tableCounts(trx), auditHead: await auditHead(trx) }
        const blob = await pg.dumpDataDir('gzip')
        await writeFile(file, Buffer.from(await blob.arrayBuffer()))
        return counted
      })
    }
    const manifest: BackupManifest = {
      format: 1,
      createdAt: at.toISOString(),
      plumeVersion: PLUME_VERSION,
      database: db.kind,
      archive: ARCHIVE[db.kind],
      ...(await fileDigest(file)),
      ...snapshot,
    }
    await writeFile(join(partial, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n')
    await rename(partial, final)
    return { path: final, manifest }
  } catch (err) {
    await rm(partial, { recursive: true, force: true })
    throw err
  }
}

/** Reads a backup folder's manifest and checks the archive against its SHA-256 and size. */
export async function readBackup(path: string): Promise<BackupManifest> {
  let manifest: BackupManifest
  try {
    manifest = JSON.parse(await readFile(join(path, MANIFEST_FILE), 'utf8')) as BackupManifest
  } catch {
    throw new BackupError('manifest', `no readable ${MANIFEST_FILE} in ${path}: not a Plume backup folder`)
  }
  const file = join(path, manifest.archive)
  if (!existsSync(file)) throw new BackupError('checksum', `the archive ${manifest.archive} is missing`)
  const { sha256, bytes } = await fileDigest(file)
  if (sha256 !== manifest.sha256 || bytes !== manifest.bytes)
    throw new BackupError(
      'checksum',
      `the archive ${manifest.archive} does not match its manifest (SHA-256 ${sha256.slice(0, 12)}…, expected ${manifest.sha256.slice(0, 12)}…): the backup is corrupted`,
    )
  return manifest
}

/** Where a restore writes: a PGlite data folder (`PLUME_DATA_DIR`) or a PostgreSQL database URL. */
export type RestoreTarget = { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string }

/**
 * Restores a backup folder into `target` after checking its checksum. A target that holds data
 * is refused unless `force` (PGlite: its `pg` folder is removed; PostgreSQL: every non-system
 * schema is dropped). The server must not be running on that target.
 * @example await restoreBackup('backups/plume-…-postgres', { kind: 'postgres', url }, { force: true })
 */
export async function restoreBackup(
  path: string,
  target: RestoreTarget,
  opts: { force?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<BackupManifest> {
  const manifest = await readBackup(path)
  if (manifest.database !== target.kind)
    throw new BackupError(
      'target',
      manifest.database === 'pglite'
        ? 'this is a backup of an embedded PGlite database: restore it with PLUME_DATA_DIR and no DATABASE_URL'
        : 'this is a backup of a PostgreSQL database: restore it with DATABASE_URL set',
    )
  const file = join(path, manifest.archive)
  if (target.kind === 'pglite') await restorePglite(file, target.dataDir, opts.force)
  else {
    await clearPostgres(target.url, opts.force)
    await runPgTool(
      pgTool('pg_restore', opts.env),
      ['--no-owner', '--no-privileges', '--exit-on-error', file],
      target.url,
      'restore',
      opts.env,
    )
  }
  return manifest
}

async function restorePglite(file: string, dataDir: string, force?: boolean): Promise<void> {
  const dir = join(resolve(dataDir), 'pg')
  if (existsSync(join(dir, 'postmaster.pid')))
    throw new BackupError('target', `${dataDir} is in use (a server or command has it open): stop it first`)
  if (existsSync(dir) && (await readdir(dir)).length > 0) {
    if (!force)
      throw new BackupError('target', `${dataDir} already holds a database: pass --force to replace it`)
    await rm(dir, { recursive: true, force: true })
  }
  const archive = await readFile(file)
  try {
    // a damaged archive is refused here: PGlite's own decompression would fail outside any await
    gunzipSync(archive)
  } catch (err) {
    throw new BackupError('restore', `the PGlite archive could not be read: ${(err as Error).message}`)
  }
  await mkdir(dir, { recursive: true })
  try {
    const pg = await PGlite.create({ dataDir: dir, loadDataDir: new Blob([archive]) })
    await pg.close()
  } catch (err) {
    throw new BackupError('restore', `the PGlite archive could not be loaded: ${(err as Error).message}`)
  }
}

async function clearPostgres(url: string, force?: boolean): Promise<void> {
  const k = knex({ client: 'pg', connection: url, pool: { min: 0, max: 1 } })
  try {
    const res = (await k.raw(
      `select nspname from pg_namespace where nspname not in ('pg_catalog', 'information_schema') and nspname not like 'pg\\_%'`,
    )) as { rows: Array<{ nspname: string }> }
    const tables = (await k.raw(
      `select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p', 'v', 'S') and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'`,
    )) as { rows: Array<{ n: number }> }
    if (Number(tables.rows[0]!.n) > 0) {
      if (!force)
        throw new BackupError('target', 'the target database is not empty: pass --force to replace it')
      for (const { nspname } of res.rows) await k.raw('drop schema ?? cascade', [nspname])
    }
    // pg_dump leaves out the `public` schema (every database has one): a wiped database gets it back
    await k.raw('create schema if not exists public')
  } finally {
    await k.destroy()
  }
}
