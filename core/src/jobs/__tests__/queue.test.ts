import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../db/connect.js'
import { connectTestDatabase } from '../../testing/index.js'
import { JobQueue, backoffDelay, ensureJobTable, JOBS_TABLE, PermanentJobError } from '../index.js'

let db: Database
const later = (ms: number) => new Date(Date.now() + ms)

beforeAll(async () => {
  db = await connectTestDatabase()
  await ensureJobTable(db.knex)
})
afterAll(() => db?.close())

describe('JobQueue', () => {
  it('runs a job once and records its result', async () => {
    const q = new JobQueue(db.knex)
    const seen: unknown[] = []
    q.register('t.echo', async (p) => {
      seen.push(p)
      return { ok: true }
    })
    const id = await q.enqueue('t.echo', { n: 1 })
    expect(await q.drain()).toBe(1)
    expect(seen).toEqual([{ n: 1 }])
    const row = await q.get(id!)
    expect(row).toMatchObject({ status: 'done', attempts: 1, result: { ok: true } })
    expect(await q.drain()).toBe(0)
  })

  it('retries with exponential backoff, then dead-letters; replay runs it again', async () => {
    const q = new JobQueue(db.knex)
    let calls = 0
    let fail = true
    q.register('t.flaky', async () => {
      calls++
      if (fail) throw new Error(`boom ${calls}`)
      return 'ok'
    })
    const id = (await q.enqueue('t.flaky', {}, { maxAttempts: 3, backoffMs: 1000 }))!
    await q.drain()
    let row = (await q.get(id))!
    expect(row).toMatchObject({ status: 'pending', attempts: 1, lastError: 'boom 1' })
    // not due yet at the real clock
    expect(await q.drain()).toBe(0)
    await q.drain({ now: later(1500) })
    row = (await q.get(id))!
    expect(row.attempts).toBe(2)
    expect(new Date(row.runAt).getTime()).toBeGreaterThan(Date.now() + 1500 + 1900)
    await q.drain({ now: later(60_000) })
    row = (await q.get(id))!
    expect(row).toMatchObject({ status: 'dead', attempts: 3, lastError: 'boom 3' })
    fail = false
    expect(await q.replay(id)).toBe(true)
    await q.drain()
    expect((await q.get(id))!).toMatchObject({ status: 'done', attempts: 1 })
    expect(calls).toBe(4)
    expect(backoffDelay(1000, 1)).toBe(1000)
    expect(backoffDelay(1000, 4)).toBe(8000)
    expect(backoffDelay(1000, 40)).toBe(3_600_000)
  })

  it('dead-letters a permanent failure at once', async () => {
    const q = new JobQueue(db.knex)
    q.register('t.perm', async () => {
      throw new PermanentJobError('refused')
    })
    const id = (await q.enqueue('t.perm', {}, { maxAttempts: 5 }))!
    await q.drain()
    expect(await q.get(id)).toMatchObject({ status: 'dead', attempts: 1, lastError: 'refused' })
  })

  it('ignores a second enqueue with the same key, and a job enqueued in a rolled-back transaction', async () => {
    const q = new JobQueue(db.knex)
    q.register('t.key', async () => 'ok')
    expect(await q.enqueue('t.key', {}, { key: 'k-1' })).toBeTypeOf('number')
    expect(await q.enqueue('t.key', {}, { key: 'k-1' })).toBeUndefined()
    await db.knex
      .transaction(async (trx) => {
        await q.enqueue('t.key', { lost: true }, { trx })
        throw new Error('rollback')
      })
      .catch(() => undefined)
    const lost = await db.knex(JOBS_TABLE).whereRaw(`payload->>'lost' = 'true'`)
    expect(lost).toHaveLength(0)
    await q.drain()
  })

  it('runs each job once when several instances drain the same table', async () => {
    const queues = [
      new JobQueue(db.knex, { batch: 3 }),
      new JobQueue(db.knex, { batch: 3 }),
      new JobQueue(db.knex, { batch: 3 }),
    ]
    const runs = new Map<number, number>()
    for (const q of queues) {
      q.register('t.once', async (p) => {
        const n = p.n as number
        runs.set(n, (runs.get(n) ?? 0) + 1)
        await new Promise((r) => setTimeout(r, 2))
      })
    }
    for (let n = 0; n < 40; n++) await queues[0]!.enqueue('t.once', { n })
    await Promise.all(queues.map((q) => q.drain()))
    expect(runs.size).toBe(40)
    expect([...runs.values()].every((c) => c === 1)).toBe(true)
  })

  it('takes over a job whose instance died mid-run once the lease expires', async () => {
    const dying = new JobQueue(db.knex, { leaseMs: 50 })
    dying.register('t.lease', () => new Promise(() => undefined)) // never finishes
    const id = (await dying.enqueue('t.lease', {}))!
    void dying.runDue()
    await new Promise((r) => setTimeout(r, 30))
    expect((await dying.get(id))!.status).toBe('running')
    const heir = new JobQueue(db.knex)
    heir.register('t.lease', async () => 'taken over')
    expect(await heir.drain()).toBe(0) // lease still valid
    await new Promise((r) => setTimeout(r, 60))
    await heir.drain()
    expect(await heir.get(id)).toMatchObject({ status: 'done', attempts: 2, result: 'taken over' })
  })

  it('runs due jobs in the background and stops cleanly', async () => {
    const q = new JobQueue(db.knex, { pollMs: 20 })
    let done!: () => void
    const ran = new Promise<void>((r) => (done = r))
    q.register('t.bg', async () => done())
    q.start()
    await q.enqueue('t.bg', {})
    await ran
    await q.stop()
  })

  it('keeps finished jobs for the retention period, then its maintenance deletes them; pending and dead stay', async () => {
    const q = new JobQueue(db.knex, { retainDoneMs: 7 * 86_400_000 })
    const at = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000)
    const rows = (await db
      .knex(JOBS_TABLE)
      .insert([
        { name: 't.ret', status: 'done', finishedAt: at(8), key: 'ret-old' },
        { name: 't.ret', status: 'done', finishedAt: at(1) },
        { name: 't.ret', status: 'dead', finishedAt: at(30) },
        { name: 't.ret', status: 'pending', runAt: later(3_600_000) },
      ])
      .returning('id')) as Array<{ id: number | string }>
    const ids = rows.map((r) => Number(r.id))
    expect(await q.maintenance.run()).toContain('jobs.retention')
    const left = (
      (await db.knex(JOBS_TABLE).whereIn('id', ids).orderBy('id').select('id')) as Array<{
        id: number | string
      }>
    ).map((r) => Number(r.id))
    expect(left).toEqual(ids.slice(1))
    // the key of a deleted job is free again
    expect(await q.enqueue('t.ret', {}, { key: 'ret-old', runAt: later(3_600_000) })).toBeGreaterThan(0)
    // at most once per interval: the next run within the hour skips it
    expect(await q.maintenance.run()).not.toContain('jobs.retention')
    expect(await q.maintenance.run(new Date(Date.now() + 3_600_001))).toContain('jobs.retention')
  })

  it('runs maintenance tasks once per interval, logs a failing one and tries it again later', async () => {
    const q = new JobQueue(db.knex)
    const runs: string[] = []
    const stop = q.maintenance.every('t.flaky', 1000, async () => {
      runs.push('flaky')
      if (runs.length === 1) throw new Error('first run fails')
    })
    const t0 = new Date()
    await q.maintenance.run(t0)
    await q.maintenance.run(new Date(t0.getTime() + 500))
    await q.maintenance.run(new Date(t0.getTime() + 1000))
    expect(runs).toEqual(['flaky', 'flaky'])
    stop()
    expect(q.maintenance.names()).toEqual(['jobs.retention'])
    expect(() => q.maintenance.every('t.bad', 0, async () => undefined)).toThrow(/positive interval/)
  })
})
