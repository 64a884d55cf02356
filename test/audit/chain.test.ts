import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, testDatabase, type TestPlatform } from '@plume/core/testing'
import {
  appendAuditEvent,
  AUDIT_TRIGGER,
  rowHash,
  verifyAuditChain,
  type DatabaseOptions,
} from '@plume/core/internal'

/**
 * The hash chain: verify passes on an untouched trail and names the first bad record after a
 * superuser tampers with it (trigger disabled): altered, deleted, inserted, cut off at the end.
 */

let p: TestPlatform
let db: { options: DatabaseOptions; drop(): Promise<void> }
type Stored = Record<string, unknown> & { id: string; hash: string; prev_hash: string }

const knex = () => p.db.knex
const rows = async () => (await knex()('plume_audit').orderBy('id')) as Stored[]
/** Runs SQL as the superuser with the append-only trigger switched off, as an attacker would. */
const tamper = (work: (trx: ReturnType<typeof knex>) => Promise<unknown>) =>
  knex().transaction(async (trx) => {
    await trx.raw(`alter table plume_audit disable trigger ${AUDIT_TRIGGER}`)
    await work(trx as unknown as ReturnType<typeof knex>)
    await trx.raw(`alter table plume_audit enable trigger ${AUDIT_TRIGGER}`)
  })

beforeAll(async () => {
  // a database that outlives the platform, so the CLI can read it afterwards
  if (process.env.DATABASE_URL) db = await testDatabase()
  else {
    const dir = mkdtempSync(join(tmpdir(), 'plume-audit-'))
    db = { options: { dataDir: dir }, drop: async () => rmSync(dir, { recursive: true, force: true }) }
  }
  p = await startTestPlatform({ database: db.options })
  const customers = p.app.service('api/customers')
  for (let i = 1; i <= 6; i++) {
    const c = await customers.create({ code: `CH-${i}`, name: `Chained ${i}` })
    await customers.patch(c.id, { name: `Chained ${i}b` })
  }
})
afterAll(async () => {
  await p?.close()
  await db?.drop()
})

describe('audit hash chain', () => {
  it('links every row to the one before: hash = sha256(prev_hash + content)', async () => {
    const all = await rows()
    expect(all.length).toBeGreaterThanOrEqual(12)
    expect(all[0]!.prev_hash).toBe('0'.repeat(64))
    for (let i = 1; i < all.length; i++) expect(all[i]!.prev_hash).toBe(all[i - 1]!.hash)
    expect(await verifyAuditChain(knex())).toEqual({ ok: true, checked: all.length })
  })

  it('refuses UPDATE, DELETE and TRUNCATE from the application (trigger)', async () => {
    await expect(knex()('plume_audit').update({ action: 'forged' })).rejects.toThrow(/append-only/)
    await expect(
      knex()('plume_audit')
        .where('id', (await rows())[0]!.id)
        .delete(),
    ).rejects.toThrow(/append-only/)
    await expect(knex().raw('truncate plume_audit')).rejects.toThrow(/append-only/)
    expect((await verifyAuditChain(knex())).ok).toBe(true)
  })

  it('names an altered row', async () => {
    const target = (await rows())[4]!
    await tamper((t) =>
      t('plume_audit')
        .where('id', target.id)
        .update({ changes: JSON.stringify({ name: { after: 'Evil' } }) }),
    )
    expect(await verifyAuditChain(knex())).toMatchObject({
      ok: false,
      firstBad: { id: Number(target.id), reason: 'altered' },
    })
    await tamper((t) =>
      t('plume_audit')
        .where('id', target.id)
        .update({ changes: JSON.stringify(target.changes) }),
    )
    expect((await verifyAuditChain(knex())).ok).toBe(true)
  })

  it('names the row after a deleted one', async () => {
    const all = await rows()
    const target = all[5]!
    await tamper((t) => t('plume_audit').where('id', target.id).delete())
    expect(await verifyAuditChain(knex())).toMatchObject({
      ok: false,
      firstBad: { id: Number(all[6]!.id), reason: 'deleted' },
    })
    await tamper((t) => t('plume_audit').insert(target))
    expect((await verifyAuditChain(knex())).ok).toBe(true)
  })

  it('notices the newest rows cut off the end', async () => {
    const all = await rows()
    const last = all[all.length - 1]!
    await tamper((t) => t('plume_audit').where('id', last.id).delete())
    expect(await verifyAuditChain(knex())).toMatchObject({
      ok: false,
      firstBad: { id: Number(last.id), reason: 'deleted' },
    })
    await tamper((t) => t('plume_audit').insert(last))
    expect((await verifyAuditChain(knex())).ok).toBe(true)
  })

  it('names an inserted row, even one with a correctly computed hash', async () => {
    const all = await rows()
    const last = all[all.length - 1]!
    const content = {
      at: new Date().toISOString(),
      actorId: '1',
      actor: 'mallory',
      via: 'rest',
      action: 'patch',
      entity: 'customer',
      recordId: '1',
      changes: { creditLimit: { after: '1000000.00' } },
      requestId: null,
      ip: null,
    }
    const forged = {
      at: content.at,
      actor_id: '1',
      actor: 'mallory',
      via: 'rest',
      action: 'patch',
      entity: 'customer',
      record_id: '1',
      changes: JSON.stringify(content.changes),
      prev_hash: last.hash,
      hash: rowHash(last.hash, content),
    }
    // appended at the end, chained to the real last row
    const [inserted] = (await knex().transaction(async (trx) => {
      await trx.raw(`alter table plume_audit disable trigger ${AUDIT_TRIGGER}`)
      const out = await trx('plume_audit').insert(forged).returning('id')
      await trx.raw(`alter table plume_audit enable trigger ${AUDIT_TRIGGER}`)
      return out
    })) as Array<{ id: string }>
    const id = inserted!.id
    expect(await verifyAuditChain(knex())).toMatchObject({
      ok: false,
      firstBad: { id: Number(id), reason: 'inserted' },
    })
    await tamper((t) => t('plume_audit').where('id', id).delete())
    // slipped in before the first row
    await tamper((t) =>
      t('plume_audit').insert({
        ...forged,
        id: 0,
        prev_hash: '0'.repeat(64),
        hash: rowHash('0'.repeat(64), content),
      }),
    )
    expect(await verifyAuditChain(knex())).toMatchObject({
      ok: false,
      firstBad: { id: 0, reason: 'inserted' },
    })
    await tamper((t) => t('plume_audit').where('id', 0).delete())
    expect((await verifyAuditChain(knex())).ok).toBe(true)
  })

  it('keeps the chain in commit order under concurrent writes', async () => {
    const customers = p.app.service('api/customers')
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => customers.create({ code: `PAR-${i}`, name: `Parallel ${i}` })),
    )
    expect((await verifyAuditChain(knex())).ok).toBe(true)
  })

  it('joins the chain at commit: an open audited transaction holds no lock, a rollback leaves nothing', async () => {
    const before = (await rows()).length
    const slow = await knex().transaction()
    try {
      await appendAuditEvent(slow, { action: 'slow', entity: 'test' })
      // staged, not chained yet: the chain has no row of it and no lock is held for it
      expect(Number(((await slow('plume_audit').count({ n: '*' }).first()) as { n: string }).n)).toBe(before)
      if (p.kind === 'postgres') {
        // a second writer commits while the first is still open (it would time out behind a held lock)
        await knex().transaction(async (trx) => {
          await trx.raw(`set local lock_timeout = '2s'`)
          await appendAuditEvent(trx, { action: 'fast', entity: 'test' })
        })
      }
    } finally {
      await slow.commit()
    }
    const rolledBack = await knex().transaction()
    await appendAuditEvent(rolledBack, { action: 'rolled-back', entity: 'test' })
    await rolledBack.rollback()
    const added = (await rows()).slice(before).map((r) => r.action)
    // commit order: the fast writer committed first
    expect(added).toEqual(p.kind === 'postgres' ? ['fast', 'slow'] : ['slow'])
    expect(Number(((await knex()('plume_audit_pending').count({ n: '*' }).first()) as { n: string }).n)).toBe(
      0,
    )
    expect((await verifyAuditChain(knex())).ok).toBe(true)
  })

  it('audit-verify CLI reports the first bad row and exits 1', async () => {
    const target = (await rows())[2]!
    await tamper((t) => t('plume_audit').where('id', target.id).update({ actor: 'someone else' }))
    await p.close()
    const env = {
      ...process.env,
      DATABASE_URL: db.options.url ?? '',
      PLUME_DATA_DIR: db.options.dataDir ?? '',
      LOG_LEVEL: 'silent',
    }
    const run = spawnSync(join('node_modules', '.bin', 'tsx'), ['core/src/cli/audit-verify.ts'], {
      env,
      encoding: 'utf8',
      timeout: 120_000,
    })
    expect(run.status, run.stderr).toBe(1)
    expect(JSON.parse(run.stdout)).toMatchObject({
      ok: false,
      firstBad: { id: Number(target.id), reason: 'altered' },
    })
    p = undefined as unknown as TestPlatform
  })
})
