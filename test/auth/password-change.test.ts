import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { createUser, fastThrottle, payloadOf } from './helpers.js'

/**
 * #13.22: changing one's own password needs the current one; an admin who sets another user's
 * password revokes that user's sessions and makes them change it at the next login. Over HTTP.
 */
let p: TestPlatform
let admin: string
let adminId: number

beforeAll(async () => {
  p = await startTestPlatform()
  fastThrottle(p)
  admin = await p.login()
  adminId = Number(payloadOf(admin).sub)
})
afterAll(async () => p?.close())

const signIn = async (email: string, password: string) => {
  const r = await p.http('POST', '/api/authentication', { strategy: 'local', email, password })
  expect(r.status, JSON.stringify(r.body)).toBe(201)
  return r.body as {
    accessToken: string
    refreshToken: string
    user: { id: number }
    mustChangePassword?: boolean
  }
}
const customers = (token: string) => p.http('GET', '/api/customers?$limit=1', undefined, token)
const auditActions = async (userId: number) =>
  (
    (await p.db
      .knex('plume_audit')
      .where({ entity: 'authentication' })
      .select('action', 'actor_id', 'changes')) as Array<{
      action: string
      actor_id: string | null
      changes: unknown
    }>
  )
    .filter(
      (r) => r.actor_id === String(userId) || JSON.stringify(r.changes ?? '').includes(`"userId":${userId}`),
    )
    .map((r) => ({
      action: r.action,
      actorId: r.actor_id === null ? null : Number(r.actor_id),
      changes: r.changes,
    }))

describe('changing one’s own password', () => {
  it('a stolen admin token alone cannot change the admin’s password: currentPassword is required (400) or must be right (403)', async () => {
    const none = await p.http('PATCH', `/api/users/${adminId}`, { password: 'taken-Over-999' }, admin)
    expect(none.status).toBe(400)
    expect(none.body.errors).toEqual([
      { path: '/currentPassword', message: 'is required to change your own password' },
    ])
    const wrong = await p.http(
      'PATCH',
      `/api/users/${adminId}`,
      { password: 'taken-Over-999', currentPassword: 'not-the-Password-1' },
      admin,
    )
    expect(wrong.status).toBe(403)
    expect(wrong.body.errors).toEqual([{ path: '/currentPassword', message: 'is not your current password' }])
    // nothing changed: the old password still signs in, the token still works
    await signIn(p.adminEmail, p.adminPassword)
    expect((await customers(admin)).status).toBe(200)
    expect(
      (
        await p.http('POST', '/api/authentication', {
          strategy: 'local',
          email: p.adminEmail,
          password: 'taken-Over-999',
        })
      ).status,
    ).toBe(401)
  })

  it('with the right current password it changes, revokes the old tokens, and is audited', async () => {
    const id = await createUser(p, admin, { email: 'self@test.local', password: 'self-Secret-1' })
    const s = await signIn('self@test.local', 'self-Secret-1')
    expect(s.mustChangePassword).toBeUndefined()
    const same = await p.http(
      'PATCH',
      `/api/users/${id}`,
      { password: 'self-Secret-1', currentPassword: 'self-Secret-1' },
      s.accessToken,
    )
    expect(same.status).toBe(400)
    expect(same.body.errors).toEqual([
      { path: '/password', message: 'must differ from the current password' },
    ])
    const r = await p.http(
      'PATCH',
      `/api/users/${id}`,
      { password: 'self-Secret-2', currentPassword: 'self-Secret-1' },
      s.accessToken,
    )
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    expect(r.body).not.toHaveProperty('password')
    expect(r.body).not.toHaveProperty('currentPassword')
    expect((await customers(s.accessToken)).status).toBe(401)
    expect(
      (
        await p.http('POST', '/api/authentication', {
          strategy: 'local',
          email: 'self@test.local',
          password: 'self-Secret-1',
        })
      ).status,
    ).toBe(401)
    const again = await signIn('self@test.local', 'self-Secret-2')
    expect(again.mustChangePassword).toBeUndefined()
    expect((await customers(again.accessToken)).status).toBe(200)
    expect((await auditActions(id)).map((a) => a.action)).toContain('auth.password_changed')
  })

  it('a user may not change their own roles or email on the way (403 naming the field)', async () => {
    const id = await createUser(p, admin, { email: 'climber@test.local', password: 'climber-Secret-1' })
    const s = await signIn('climber@test.local', 'climber-Secret-1')
    const r = await p.http(
      'PATCH',
      `/api/users/${id}`,
      { password: 'climber-Secret-2', currentPassword: 'climber-Secret-1', roles: ['admin'] },
      s.accessToken,
    )
    expect(r.status).toBe(403)
    expect(r.body.errors).toEqual([{ path: '/roles', message: 'is read-only for you' }])
    expect((await customers(s.accessToken)).status).toBe(200)
  })

  it('wrong current passwords are audited and count towards the account lock', async () => {
    const id = await createUser(p, admin, { email: 'guess@test.local', password: 'guess-Secret-1' })
    const s = await signIn('guess@test.local', 'guess-Secret-1')
    let last = 0
    for (let i = 0; i < 6; i++) {
      last = (
        await p.http(
          'PATCH',
          `/api/users/${id}`,
          { password: 'guess-Secret-2', currentPassword: `wrong-Guess-${i}` },
          s.accessToken,
        )
      ).status
    }
    expect(last).toBe(429)
    expect(
      (await auditActions(id)).filter((a) => a.action === 'auth.password_change_failed').length,
    ).toBeGreaterThanOrEqual(5)
  })
})

describe('an admin resetting another user’s password', () => {
  it('revokes the user’s sessions, forces a change at next login, and is audited', async () => {
    const id = await createUser(p, admin, { email: 'reset@test.local', password: 'reset-Secret-1' })
    const old = await signIn('reset@test.local', 'reset-Secret-1')
    expect((await customers(old.accessToken)).status).toBe(200)

    // the admin needs no current password for someone else's
    const r = await p.http('PATCH', `/api/users/${id}`, { password: 'temp-Secret-2' }, admin)
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    expect((await customers(old.accessToken)).status).toBe(401)
    expect(
      (await p.http('POST', '/api/authentication', { strategy: 'refresh', refreshToken: old.refreshToken }))
        .status,
    ).toBe(401)
    const actions = await auditActions(id)
    expect(actions).toContainEqual({
      action: 'auth.password_reset',
      actorId: adminId,
      changes: { userId: id, changeAtNextLogin: true },
    })

    // login works and says so; every other call is refused until the user changes it
    const fresh = await signIn('reset@test.local', 'temp-Secret-2')
    expect(fresh.mustChangePassword).toBe(true)
    const refused = await customers(fresh.accessToken)
    expect(refused.status).toBe(403)
    expect(refused.body.data).toEqual({ reason: 'password-change-required' })
    expect((await p.http('PATCH', `/api/users/${id}`, { name: 'Renamed' }, fresh.accessToken)).status).toBe(
      200,
    )
    expect((await p.http('GET', `/api/users/${id}`, undefined, fresh.accessToken)).status).toBe(200)
    const refreshed = await p.http('POST', '/api/authentication', {
      strategy: 'refresh',
      refreshToken: fresh.refreshToken,
    })
    expect(refreshed.body.mustChangePassword).toBe(true)
    expect((await customers(refreshed.body.accessToken as string)).status).toBe(403)

    // the user's own change (with the temporary password) clears the flag
    const changed = await p.http(
      'PATCH',
      `/api/users/${id}`,
      { password: 'mine-Secret-3', currentPassword: 'temp-Secret-2' },
      refreshed.body.accessToken as string,
    )
    expect(changed.status, JSON.stringify(changed.body)).toBe(200)
    const done = await signIn('reset@test.local', 'mine-Secret-3')
    expect(done.mustChangePassword).toBeUndefined()
    expect((await customers(done.accessToken)).status).toBe(200)
  })

  it('a reset user on a socket is refused too until they change it', async () => {
    const id = await createUser(p, admin, { email: 'sock@test.local', password: 'sock-Secret-1' })
    expect((await p.http('PATCH', `/api/users/${id}`, { password: 'temp-Secret-2' }, admin)).status).toBe(200)
    const { io } = await import('socket.io-client')
    const socket = io(p.url, { transports: ['websocket'], forceNew: true })
    try {
      const emit = (...args: unknown[]) =>
        new Promise<{ code?: number; data?: unknown } | unknown>((resolve) =>
          socket.emit(...(args as [string]), (err: unknown, res: unknown) => resolve(err ?? res)),
        )
      const login = (await emit('create', 'api/authentication', {
        strategy: 'local',
        email: 'sock@test.local',
        password: 'temp-Secret-2',
      })) as { mustChangePassword?: boolean }
      expect(login.mustChangePassword).toBe(true)
      expect(await emit('find', 'api/customers', {})).toMatchObject({
        code: 403,
        data: { reason: 'password-change-required' },
      })
    } finally {
      socket.close()
    }
  })
})
