import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import type { SystemSampler } from '@plume/core/internal'
import { engineOf, firings, jobsOf, quietBackground, rule } from './helpers.js'

let p: TestPlatform
let token: string
const MIN = 60_000
// a future minute: the engine's schedule slots and the samples are dated by the test, never by the clock
const T0 = Math.ceil(Date.now() / MIN) * MIN + 60 * MIN
const at = (minutes: number) => new Date(T0 + minutes * MIN)

const samplerOf = () => p.app.get('systemSampler') as SystemSampler
const fired = async (name: string) => (await firings(p, name)).filter((f) => f.status === 'fired')

beforeAll(async () => {
  quietBackground()
  // no background sample lands between the injected ones
  process.env.PLUME_SYSTEM_SAMPLE_MS = String(24 * 60 * MIN)
  p = await startTestPlatform()
  token = await p.login()
})
afterAll(async () => {
  delete process.env.PLUME_SYSTEM_SAMPLE_MS
  await p?.close()
})

describe('system metrics as alert facts', () => {
  it('ships default rules on the system fact (disk, memory, job backlog)', async () => {
    const r = await p.http('GET', '/api/alert-rules', undefined, token)
    const names = (r.body as Array<{ name: string }>).map((x) => x.name)
    expect(names).toEqual(
      expect.arrayContaining(['system-disk-free-below-10', 'system-memory-above-90', 'system-job-backlog']),
    )
  })

  it("evaluates the system rules before any sample was taken, on the evaluation's own connection", async () => {
    // PGlite has one connection, held by the schedule slot's transaction: the fact samples through it
    expect(samplerOf().snapshot(at(-30))).toBeUndefined()
    await engineOf(p).runSchedules(at(-30))
    expect(samplerOf().snapshot(at(-30))).toMatchObject({ samples: 1, diskFreePct: expect.any(Number) })
    const all = await p.app.service('api/alert-firings').find({ query: { $limit: 500 } })
    expect(
      (all.data as Array<{ ruleName: string; status: string }>).filter((f) =>
        f.ruleName.startsWith('system-'),
      ),
    ).toEqual([])
  })

  it('"disk free below 10 % for 5 minutes" fires on injected values only once the low level has held 5 minutes', async () => {
    const sampler = samplerOf()
    // one low sample: the 5-minute window is not covered yet → nothing fires
    await sampler.sample({ diskFreePct: 4, diskFreeBytes: 4_000_000 }, at(0))
    await engineOf(p).runSchedules(at(0))
    expect(await fired('system-disk-free-below-10')).toHaveLength(0)
    // back above 10 % for a moment inside the window → the level did not hold
    await sampler.sample({ diskFreePct: 50 }, at(1))
    await sampler.sample({ diskFreePct: 4 }, at(2))
    await engineOf(p).runSchedules(at(6))
    expect(await fired('system-disk-free-below-10')).toHaveLength(0)
    // below 10 % through a whole 5-minute window → fires, and notifies the admins
    await sampler.sample({ diskFreePct: 3.5, diskFreeBytes: 3_500_000 }, at(7))
    await engineOf(p).runSchedules(at(12))
    const f = await fired('system-disk-free-below-10')
    expect(f).toHaveLength(1)
    await jobsOf(p).drain({ now: at(12) })
    const admin = (await p.db.knex('users').where({ email: p.adminEmail }).first('id')) as { id: number }
    const notes = (await p.db
      .knex('notifications')
      .where({ userId: admin.id, ruleName: 'system-disk-free-below-10' })) as Array<{ title: string }>
    expect(notes).toHaveLength(1)
    expect(notes[0]!.title).toMatch(/^Disk almost full: 3\.5 % free/)
    expect(notes[0]!.title).toMatch(/磁盘空间不足/)
  })

  it('a memory rule an admin writes fires on injected memory values, and not on normal ones', async () => {
    await rule(p, token, 'alert', {
      name: 'memory-above-80-now',
      trigger: { type: 'schedule', cron: '* * * * *', timezone: 'UTC' },
      conditions: { all: [{ fact: 'system', path: '$.memoryPct', operator: 'greaterThan', value: 80 }] },
      actions: [{ type: 'notify', roles: ['admin'], title: 'Memory {{system.memoryPct}} %' }],
    })
    await samplerOf().sample({ memoryPct: 42 }, at(20))
    await engineOf(p).runSchedules(at(20))
    expect(await fired('memory-above-80-now')).toHaveLength(0)
    await samplerOf().sample({ memoryPct: 97.5 }, at(21))
    await engineOf(p).runSchedules(at(21))
    expect(await fired('memory-above-80-now')).toHaveLength(1)
  })

  it('refuses a rule reading a field the system fact does not have (400 naming it)', async () => {
    const r = await p.http(
      'POST',
      '/api/alert-rules',
      {
        kind: 'alert',
        definition: {
          name: 'bad-system',
          trigger: { type: 'schedule', cron: '* * * * *' },
          conditions: { all: [{ fact: 'system', path: '$.gpuPct', operator: 'greaterThan', value: 1 }] },
          actions: [{ type: 'notify', roles: ['admin'], title: 'x' }],
        },
      },
      token,
    )
    expect(r.status).toBe(400)
    expect(JSON.stringify(r.body)).toMatch(/gpuPct/)
  })

  it('measures real values when nothing is injected', async () => {
    const s = await samplerOf().sample()
    expect(s.memoryPct).toBeGreaterThan(0)
    expect(s.memoryPct).toBeLessThanOrEqual(100)
    expect(s.diskFreePct).toBeGreaterThan(0)
    expect(s.rssBytes).toBeGreaterThan(0)
    expect(s.queueDepth).toBeGreaterThanOrEqual(0)
    expect(s.errorRatePct).toBeGreaterThanOrEqual(0)
  })
})
