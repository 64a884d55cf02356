import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectDatabase, type Database } from '../../db/connect.js'
import { ensureAuthTables } from '../tables.js'
import { LoginThrottle } from '../throttle.js'
import { RevocationLog } from '../revocations.js'

let db: Database
const config = {
  maxPerAccount: 5,
  maxPerIp: 20,
  windowSeconds: 900,
  lockSeconds: 900,
  delayMs: 100,
  maxDelayMs: 2000,
}

beforeAll(async () => {
  db = await connectDatabase({ dataDir: 'memory' })
  await ensureAuthTables(db.knex)
  await ensureAuthTables(db.knex) // idempotent
})
afterAll(async () => db?.close())

describe('LoginThrottle', () => {
  it('locks an address after 20 failures, whatever the accounts, with a Retry-After', async () => {
    const t = new LoginThrottle(() => db.knex, config)
    for (let i = 0; i < 19; i++) {
      await t.failed(LoginThrottle.keys(`user${i}@x.test`, '10.0.0.1'))
      await t.assertOpen(LoginThrottle.keys('someone@x.test', '10.0.0.1'))
    }
    await t.failed(LoginThrottle.keys('user19@x.test', '10.0.0.1'))
    const err = await t.assertOpen(LoginThrottle.keys('fresh@x.test', '10.0.0.1')).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 429, data: { retryAfter: expect.any(Number) } })
    expect((err as { data: { retryAfter: number } }).data.retryAfter).toBeGreaterThan(890)
    await t.assertOpen(LoginThrottle.keys('fresh@x.test', '10.0.0.2'))
    // a success clears the account, never the address
    await t.succeeded(LoginThrottle.keys('fresh@x.test', '10.0.0.1'))
    await expect(t.assertOpen(LoginThrottle.keys('x@x.test', '10.0.0.1'))).rejects.toMatchObject({
      code: 429,
    })
  })

  it('counts per account case-insensitively and starts a new window when the old one is over', async () => {
    const t = new LoginThrottle(() => db.knex, config)
    for (let i = 0; i < 4; i++)
      await t.failed(LoginThrottle.keys(i % 2 ? 'Case@X.test' : 'case@x.test', undefined))
    await db
      .knex('plume_login_attempts')
      .where({ scope: 'account', key: 'case@x.test' })
      .update({ window_start: db.knex.raw("now() - interval '16 minutes'") })
    expect(await t.failed(LoginThrottle.keys('case@x.test', undefined))).toBe(1)
    await t.assertOpen(LoginThrottle.keys('case@x.test', undefined))
  })

  it('slows failures down progressively, within a cap', () => {
    const t = new LoginThrottle(() => db.knex, config)
    expect([1, 2, 3, 4, 50].map((n) => t.delayFor(n))).toEqual([0, 0, 100, 200, 2000])
  })
})

describe('RevocationLog', () => {
  it('shares revocations between instances through the table', async () => {
    const a = new RevocationLog(() => db.knex, 1000)
    const b = new RevocationLog(() => db.knex, 1000)
    await a.load()
    await b.load()
    const told: string[] = []
    b.onRevoked((kind, value) => told.push(`${kind}:${value}`))
    await a.add('jti', 'j-1', new Date(Date.now() + 60_000))
    expect(a.has('jti', 'j-1')).toBe(true)
    expect(b.has('jti', 'j-1')).toBe(false)
    await b.sync()
    expect(b.has('jti', 'j-1')).toBe(true)
    await b.sync()
    expect(told).toEqual(['jti:j-1'])
    await a.add('family', 'f-1', new Date(Date.now() - 1))
    await b.sync()
    expect(b.has('family', 'f-1')).toBe(false)
  })
})
