import { io } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { createUser, fastThrottle } from './helpers.js'

let p: TestPlatform
let admin: string

beforeAll(async () => {
  p = await startTestPlatform()
  fastThrottle(p)
  admin = await p.login()
})
afterAll(async () => p?.close())

const attempt = (email: string, password: string, headers: Record<string, string> = {}) =>
  p.http('POST', '/api/authentication', { strategy: 'local', email, password }, undefined, headers)

describe('login throttling per account', () => {
  it('locks an account after 5 failures: 429 with Retry-After, even for the right password', async () => {
    await createUser(p, admin, { email: 'victim@test.local', password: 'victim-Secret-1' })
    for (let i = 0; i < 5; i++) {
      const r = await attempt('victim@test.local', `wrong-${i}`)
      expect(r.status).toBe(401)
      expect(r.body.message).toBe('Invalid login')
    }
    const locked = await attempt('victim@test.local', 'victim-Secret-1')
    expect(locked.status).toBe(429)
    const retry = Number(locked.headers.get('retry-after'))
    expect(retry).toBeGreaterThan(800)
    expect(retry).toBeLessThanOrEqual(900)
    expect(JSON.stringify(locked.body)).not.toMatch(/victim|exist|unknown/i)
    const row = await p.db
      .knex('plume_login_attempts')
      .where({ scope: 'account', key: 'victim@test.local' })
      .first()
    expect(row.failures).toBe(5)
  })

  it('answers an unknown email exactly like a known one', async () => {
    const known = await attempt('admin@test.local', 'nope-nope-1')
    const unknown = await attempt('nobody@test.local', 'nope-nope-1')
    expect(unknown.status).toBe(known.status)
    expect(unknown.body).toEqual(known.body)
    for (let i = 0; i < 4; i++) await attempt('nobody@test.local', 'nope-nope-1')
    const locked = await attempt('NOBODY@test.local', 'nope-nope-1')
    expect(locked.status).toBe(429)
    expect(locked.headers.get('retry-after')).toBeTruthy()
  })

  it('a success resets the account counter', async () => {
    await createUser(p, admin, { email: 'forgetful@test.local', password: 'forgetful-Secret-1' })
    for (let i = 0; i < 4; i++)
      expect((await attempt('forgetful@test.local', 'wrong-pass-1')).status).toBe(401)
    expect((await attempt('forgetful@test.local', 'forgetful-Secret-1')).status).toBe(201)
    for (let i = 0; i < 4; i++)
      expect((await attempt('forgetful@test.local', 'wrong-pass-1')).status).toBe(401)
    expect((await attempt('forgetful@test.local', 'forgetful-Secret-1')).status).toBe(201)
  })

  it('lets the lock expire', async () => {
    await p.db
      .knex('plume_login_attempts')
      .where({ scope: 'account', key: 'victim@test.local' })
      .update({
        locked_until: p.db.knex.raw("now() - interval '1 second'"),
        window_start: p.db.knex.raw("now() - interval '1 hour'"),
      })
    expect((await attempt('victim@test.local', 'victim-Secret-1')).status).toBe(201)
  })
})

describe('login throttling per address', () => {
  it('locks an address after 20 failures across accounts (X-Forwarded-For behind a trusted proxy)', async () => {
    p.app.proxy = true
    try {
      const from = { 'x-forwarded-for': '203.0.113.7' }
      for (let i = 0; i < 20; i++)
        expect((await attempt(`spray${i}@test.local`, 'wrong-pass-1', from)).status).toBe(401)
      const locked = await attempt('admin@test.local', p.adminPassword, from)
      expect(locked.status).toBe(429)
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0)
      // another address is not affected, and the admin account itself is not locked
      expect(
        (await attempt('admin@test.local', p.adminPassword, { 'x-forwarded-for': '198.51.100.1' })).status,
      ).toBe(201)
    } finally {
      p.app.proxy = false
    }
  })

  it('counts a socket login under the forwarded address behind a trusted proxy too', async () => {
    p.app.proxy = true
    const socket = io(p.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      extraHeaders: { 'x-forwarded-for': '203.0.113.99' },
    })
    try {
      await new Promise<void>((resolve) => socket.on('connect', () => resolve()))
      const failed = await new Promise<{ code?: number }>((resolve) =>
        socket.emit(
          'create',
          'api/authentication',
          { strategy: 'local', email: 'socket-proxy@test.local', password: 'wrong-pass-1' },
          (err: { code?: number }) => resolve(err),
        ),
      )
      expect(failed.code).toBe(401)
      const keys = (await p.db.knex('plume_login_attempts').where({ scope: 'ip' }).select('key')).map(
        (r: { key: string }) => r.key,
      )
      expect(keys).toContain('203.0.113.99')
    } finally {
      socket.close()
      p.app.proxy = false
    }
  })

  it('ignores X-Forwarded-For unless the proxy is trusted', async () => {
    const rows = await p.db.knex('plume_login_attempts').where({ scope: 'ip' }).select('key')
    const keys = rows.map((r: { key: string }) => r.key)
    expect(keys).toContain('203.0.113.7')
    expect(keys.some((k: string) => k.includes('127.0.0.1'))).toBe(true)
  })
})
