import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import knex from 'knex'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyAuditChain } from '../../audit/verify.js'
import { automationOf } from '../../automation/index.js'
import { connectDatabase, type DatabaseOptions } from '../../db/connect.js'
import { backupCli } from '../../cli/backup-command.js'
import { startTestPlatform, testDatabase, type TestPlatform } from '../../testing/index.js'
import { MANIFEST_FILE } from '../archive.js'
import { listBackups } from '../drill.js'
import { auditHead, fileDigest, tableCounts, type BackupManifest } from '../manifest.js'
import { BACKUP_JOB, BACKUPS_TABLE } from '../schedule.js'

// Backups on the database the suite runs on (PGlite by default, PostgreSQL with DATABASE_URL):
// a scheduled backup once per slot, backup → wipe → restore, the CLI, retention and the drill.
const pg = Boolean(process.env.DATABASE_URL)
const HOUR = 3_600_000
let tmp: string
let backups: string
let options: DatabaseOptions
let dropDb: () => Promise<void> = async () => undefined
let p: TestPlatform | undefined
let token: string
let env: NodeJS.ProcessEnv
const out: string[] = []
const cli = (args: string[]) => backupCli(args, env, (s) => out.push(s))
const lastJson = <T>() => JSON.parse(out[out.length - 1]!) as T

/** Runs the backup schedule's maintenance at `at` and waits for the backup job's outcome. */
async function scheduledBackup(at: number, times = 1): Promise<'done' | 'dead'> {
  const jobs = p!.app.get('jobs')!
  const outcome = new Promise<'done' | 'dead'>((resolve) =>
    jobs.onOutcome((e) =>
      e.job.name === BACKUP_JOB && e.outcome !== 'retry' ? resolve(e.outcome) : undefined,
    ),
  )
  for (let i = 0; i < times; i++) await jobs.maintenance.run(new Date(at + i * 60_000))
  await jobs.drain()
  return outcome
}

const failedBackupsFact = async () => (await p!.app.get('systemSampler')!.sample()).failedBackups

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'plume-backup-test-'))
  backups = join(tmp, 'backups')
  if (pg) {
    const t = await testDatabase()
    options = t.options
    dropDb = t.drop
    env = { ...process.env, DATABASE_URL: t.options.url, PLUME_BACKUP_DIR: backups }
  } else {
    options = { dataDir: join(tmp, 'data') }
    env = { ...process.env, DATABASE_URL: '', PLUME_DATA_DIR: join(tmp, 'data'), PLUME_BACKUP_DIR: backups }
  }
  process.env.PLUME_BACKUP_EVERY_MINUTES = '60'
  process.env.PLUME_BACKUP_DIR = backups
  p = await startTestPlatform({ database: options })
  token = await p.login()
  // the test drives the schedule with its own clock: the background worker stops, and whatever its
  // first round scheduled (the current real slot) is run and forgotten
  const jobs = p.app.get('jobs')!
  await jobs.stop()
  await jobs.drain()
  const { knex: k } = p.app.get('db')
  await k(BACKUPS_TABLE).delete()
  await k('plume_jobs').where('name', BACKUP_JOB).delete()
  await rm(backups, { recursive: true, force: true })
}, 600_000)

afterAll(async () => {
  await p?.close()
  await dropDb()
  await rm(tmp, { recursive: true, force: true })
}, 600_000)

const customer = async (code: string) => {
  const r = await p!.http('POST', '/api/customers', { code, name: `Customer ${code}` }, token)
  expect(r.status).toBe(201)
}

describe(`backups (${pg ? 'PostgreSQL' : 'PGlite'})`, () => {
  let first: { path: string; manifest: BackupManifest }

  it('a failed scheduled backup raises the system fact failedBackups; the next success clears it', async () => {
    await customer('B-1')
    // the backup folder cannot be created: a file stands in its way
    await writeFile(backups, 'not a folder')
    const base = Math.ceil(Date.now() / HOUR) * HOUR + 48 * HOUR
    expect(await scheduledBackup(base)).toBe('dead')
    const rows = (await p!.app.get('db').knex(BACKUPS_TABLE).orderBy('id')) as Array<{
      ok: boolean
      error: string
    }>
    expect(rows.map((r) => r.ok)).toEqual([false])
    expect(await failedBackupsFact()).toBe(1)
    // the shipped alert rule on the fact fires (notifying the admins)
    await automationOf(p!.app).runSchedules(new Date(base))
    const firings = (await p!.app.get('db').knex('plume_alert_firings').where({
      ruleName: 'system-backup-failed',
    })) as Array<{ status: string }>
    expect(firings.map((f) => f.status)).toEqual(['fired'])

    await rm(backups)
    await customer('B-2')
    // two instances' workers checking the same hourly slot: one backup
    expect(await scheduledBackup(base + HOUR, 2)).toBe('done')
    const list = await listBackups(backups)
    expect(list).toHaveLength(1)
    first = list[0]!
    expect(await failedBackupsFact()).toBe(0)
  }, 600_000)

  it('the manifest names time, version, kind, row counts, audit head and the archive checksum', async () => {
    const m = first.manifest
    expect(m.database).toBe(pg ? 'postgres' : 'pglite')
    expect(m.plumeVersion).toMatch(/^\d+\.\d+\.\d+/)
    expect(new Date(m.createdAt).toISOString()).toBe(m.createdAt)
    expect(m.rowCounts.customers).toBe(2)
    expect(m.auditHead?.lastId).toBeGreaterThan(0)
    expect(await fileDigest(join(first.path, m.archive))).toEqual({ sha256: m.sha256, bytes: m.bytes })
  })

  it('backup → wipe → restore gives the manifest row counts and a verifying audit chain', async () => {
    await customer('B-3') // after the backup: gone once restored
    await p!.close()
    p = undefined
    // wipe
    if (pg) {
      const k = knex({ client: 'pg', connection: options.url!, pool: { min: 0, max: 1 } })
      await k.raw('drop schema public cascade').finally(() => k.destroy())
    } else await rm(join(tmp, 'data'), { recursive: true, force: true })

    expect(await cli(['restore', first.path]), out.join('\n')).toBe(0)
    const db = await connectDatabase(options)
    try {
      expect(await tableCounts(db.knex)).toEqual(first.manifest.rowCounts)
      expect(await auditHead(db.knex)).toEqual(first.manifest.auditHead)
      const chain = await verifyAuditChain(db.knex)
      expect(chain.ok).toBe(true)
      expect(chain.checked).toBeGreaterThan(0)
      const codes = (await db.knex('customers').pluck('code')) as string[]
      expect(codes.sort()).toEqual(['B-1', 'B-2'])
    } finally {
      await db.close()
    }
    // restoring over a database that holds data needs --force
    expect(await cli(['restore', first.path])).toBe(1)
    expect(out[out.length - 1]).toMatch(/--force/)
  }, 600_000)

  it('the CLI backs up, keeps --keep backups, and the drill restores the newest into a scratch database', async () => {
    expect(await cli(['backup', '--keep', '1']), out.join('\n')).toBe(0)
    const made = lastJson<{ path: string; manifest: BackupManifest; pruned: string[] }>()
    expect(made.pruned).toEqual([first.path])
    expect((await listBackups(backups)).map((b) => b.path)).toEqual([made.path])
    expect(made.manifest.rowCounts.customers).toBe(2)

    expect(await cli(['drill']), out.join('\n')).toBe(0)
    const report = lastJson<{ ok: boolean; backup: string; rows: number; auditChecked: number }>()
    expect(report).toMatchObject({ ok: true, backup: made.path })
    expect(report.auditChecked).toBeGreaterThan(0)
    // the scratch database is gone again
    if (!pg) expect((await readdir(tmpdir())).filter((n) => n.startsWith('plume-drill-'))).toEqual([])
  }, 600_000)

  it('a corrupted archive fails the drill with a clear message', async () => {
    const [newest] = await listBackups(backups)
    const archive = join(newest!.path, newest!.manifest.archive)
    const bytes = await readFile(archive)
    const half = bytes.subarray(0, Math.floor(bytes.length / 2))
    await writeFile(archive, half)
    expect(await cli(['drill', newest!.path])).toBe(1)
    expect(lastJson<{ ok: boolean; failedStep: string; message: string }>()).toMatchObject({
      ok: false,
      failedStep: 'checksum',
      message: expect.stringMatching(/does not match its manifest.*corrupted/),
    })

    // the manifest rewritten to the damaged archive's checksum: the restore itself fails
    const manifest = { ...newest!.manifest, ...(await fileDigest(archive)) }
    await writeFile(join(newest!.path, MANIFEST_FILE), JSON.stringify(manifest))
    expect(await cli(['drill', newest!.path])).toBe(1)
    const report = lastJson<{ ok: boolean; failedStep: string; message: string }>()
    expect(report).toMatchObject({ ok: false, failedStep: 'restore' })
    expect(report.message).not.toMatch(/postgres:\/\/[^ ]*@/)
    if (!pg) expect(existsSync(join(tmp, 'data', 'pg'))).toBe(true)
  }, 600_000)
})
