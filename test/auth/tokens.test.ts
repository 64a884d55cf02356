import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { claims, createUser, fastThrottle, hmacToken, payloadOf, rsaToken } from './helpers.js'

const SECRET = 'tokens-suite-secret-0123456789'
let p: TestPlatform
let admin: string
let adminId: number

beforeAll(async () => {
  p = await startTestPlatform({ jwtSecret: SECRET })
  fastThrottle(p)
  admin = await p.login()
  adminId = Number(payloadOf(admin).sub)
})
afterAll(async () => p?.close())

const me = (token: string) => p.http('GET', '/api/customers?$limit=1', undefined, token)
const signIn = async (email: string, password: string) => {
  const r = await p.http('POST', '/api/authentication', { strategy: 'local', email, password })
  expect(r.status, JSON.stringify(r.body)).toBe(201)
  return r.body as { accessToken: string; refreshToken: string; user: { id: number } }
}
const refresh = (refreshToken: unknown) =>
  p.http('POST', '/api/authentication', { strategy: 'refresh', refreshToken })

describe('access tokens', () => {
  it('are HS256, 15 minutes, with jti, issuer and audience', async () => {
    const head = JSON.parse(Buffer.from(admin.split('.')[0]!, 'base64url').toString())
    const c = payloadOf(admin)
    expect(head.alg).toBe('HS256')
    expect(Number(c.exp) - Number(c.iat)).toBe(900)
    expect(c).toMatchObject({ aud: 'plume', iss: 'plume', sub: String(adminId) })
    expect(typeof c.jti).toBe('string')
    expect((await me(admin)).status).toBe(200)
  })

  it('a well-formed hand-made HS256 token is accepted (the forgeries below differ in one thing)', async () => {
    expect((await me(hmacToken(SECRET, claims(adminId)))).status).toBe(200)
  })

  it.each([
    ['alg none', () => hmacToken(SECRET, claims(adminId), 'none')],
    ['HS512 with the right secret', () => hmacToken(SECRET, claims(adminId), 'HS512')],
    ['RS256 with a foreign key', () => rsaToken(claims(adminId))],
    ['a forged signature', () => hmacToken('not-the-secret', claims(adminId))],
    [
      'a tampered payload',
      () => {
        const [h, , s] = hmacToken(SECRET, claims(999999)).split('.')
        return `${h}.${Buffer.from(JSON.stringify(claims(adminId))).toString('base64url')}.${s}`
      },
    ],
    [
      'expired',
      () =>
        hmacToken(
          SECRET,
          claims(adminId, {
            iat: Math.floor(Date.now() / 1000) - 1000,
            exp: Math.floor(Date.now() / 1000) - 10,
          }),
        ),
    ],
    ['another audience', () => hmacToken(SECRET, claims(adminId, { aud: 'someone-else' }))],
    ['another issuer', () => hmacToken(SECRET, claims(adminId, { iss: 'someone-else' }))],
    ['no jti', () => hmacToken(SECRET, claims(adminId, { jti: undefined }))],
    ['garbage', () => 'not.a.token'],
  ])('refuses %s with 401', async (_what, make) => {
    const r = await me(make())
    expect(r.status).toBe(401)
    expect(r.body.name).toBe('NotAuthenticated')
  })
})

describe('refresh tokens', () => {
  it('trade for a new pair and rotate; reusing a rotated one revokes the whole family', async () => {
    const first = await signIn(p.adminEmail, p.adminPassword)
    expect(first.refreshToken).toMatch(/^plmr_/)
    const second = await refresh(first.refreshToken)
    expect(second.status).toBe(201)
    expect(second.body.refreshToken).not.toBe(first.refreshToken)
    expect(second.body.user.id).toBe(adminId)
    expect(payloadOf(second.body.accessToken).fam).toBe(payloadOf(first.accessToken).fam)
    expect((await me(second.body.accessToken)).status).toBe(200)
    const third = await refresh(second.body.refreshToken)
    expect(third.status).toBe(201)
    // the thief (or the owner) replays an already rotated token
    const replay = await refresh(second.body.refreshToken)
    expect(replay.status).toBe(401)
    expect((await refresh(third.body.refreshToken)).status).toBe(401)
    expect((await me(third.body.accessToken)).status).toBe(401)
    expect((await me(first.accessToken)).status).toBe(401)
    // other sessions of the same user are not affected
    expect((await me(admin)).status).toBe(200)
  })

  it('stores only hashes and refuses unknown, malformed and expired tokens', async () => {
    const s = await signIn(p.adminEmail, p.adminPassword)
    const rows = await p.db.knex('plume_refresh_tokens').select('token_hash')
    expect(rows.some((r: { token_hash: string }) => r.token_hash.includes(s.refreshToken))).toBe(false)
    expect((await refresh('plmr_' + 'A'.repeat(43))).status).toBe(401)
    expect((await refresh('nonsense')).status).toBe(401)
    expect((await refresh(undefined)).status).toBe(401)
    await p.db
      .knex('plume_refresh_tokens')
      .update({ expires_at: p.db.knex.raw("now() - interval '1 second'") })
      .whereNull('rotated_at')
    expect((await refresh(s.refreshToken)).status).toBe(401)
  })
})

describe('revocation', () => {
  it('logout revokes the access token and its refresh family', async () => {
    const s = await signIn(p.adminEmail, p.adminPassword)
    expect((await me(s.accessToken)).status).toBe(200)
    const out = await p.http('DELETE', '/api/authentication', undefined, s.accessToken)
    expect(out.status).toBe(200)
    expect((await me(s.accessToken)).status).toBe(401)
    expect((await refresh(s.refreshToken)).status).toBe(401)
    expect((await p.http('DELETE', '/api/authentication', undefined, s.accessToken)).status).toBe(401)
    // persisted for the other instances
    const row = await p.db
      .knex('plume_auth_revocations')
      .where({ kind: 'jti', value: String(payloadOf(s.accessToken).jti) })
      .first()
    expect(row).toBeTruthy()
    expect((await me(admin)).status).toBe(200)
  })

  it('a password change revokes every token of the user (same second included), new logins work', async () => {
    const id = await createUser(p, admin, { email: 'changer@test.local', password: 'changer-Secret-1' })
    const a = await signIn('changer@test.local', 'changer-Secret-1')
    const b = await signIn('changer@test.local', 'changer-Secret-1')
    expect((await me(a.accessToken)).status).toBe(200)
    // the user's own change (an admin's reset also makes them change it at next login: password-change.test.ts)
    expect(
      (
        await p.http(
          'PATCH',
          `/api/users/${id}`,
          { password: 'changer-Secret-2', currentPassword: 'changer-Secret-1' },
          a.accessToken,
        )
      ).status,
    ).toBe(200)
    expect((await me(a.accessToken)).status).toBe(401)
    expect((await me(b.accessToken)).status).toBe(401)
    expect((await refresh(b.refreshToken)).status).toBe(401)
    const c = await signIn('changer@test.local', 'changer-Secret-2')
    expect((await me(c.accessToken)).status).toBe(200)
  })

  it('a role change revokes; an unrelated change does not', async () => {
    const id = await createUser(p, admin, { email: 'roley@test.local', password: 'roley-Secret-1' })
    const a = await signIn('roley@test.local', 'roley-Secret-1')
    expect((await p.http('PATCH', `/api/users/${id}`, { name: 'Renamed' }, admin)).status).toBe(200)
    expect((await me(a.accessToken)).status).toBe(200)
    expect((await p.http('PATCH', `/api/users/${id}`, { roles: ['sales_rep'] }, admin)).status).toBe(200)
    expect((await me(a.accessToken)).status).toBe(200)
    expect((await p.http('PATCH', `/api/users/${id}`, { roles: ['sales_manager'] }, admin)).status).toBe(200)
    expect((await me(a.accessToken)).status).toBe(401)
  })

  it('deactivation revokes and refuses new logins and refreshes', async () => {
    const id = await createUser(p, admin, { email: 'leaver@test.local', password: 'leaver-Secret-1' })
    const a = await signIn('leaver@test.local', 'leaver-Secret-1')
    expect((await p.http('PATCH', `/api/users/${id}`, { active: false }, admin)).status).toBe(200)
    expect((await me(a.accessToken)).status).toBe(401)
    expect((await refresh(a.refreshToken)).status).toBe(401)
    const again = await p.http('POST', '/api/authentication', {
      strategy: 'local',
      email: 'leaver@test.local',
      password: 'leaver-Secret-1',
    })
    expect(again.status).toBe(401)
    expect(again.body.message).toBe('Invalid login')
  })

  it('another instance honours a logout through the shared revocation log', async () => {
    const s = await signIn(p.adminEmail, p.adminPassword)
    const jti = String(payloadOf(s.accessToken).jti)
    // as if another instance had logged it out: only the table row exists
    await p.db
      .knex('plume_auth_revocations')
      .insert({ kind: 'jti', value: jti, expires_at: new Date(Date.now() + 60_000) })
    expect((await me(s.accessToken)).status).toBe(200)
    const rt = p.app.get('auth') as { revocations: { sync(): Promise<void> } }
    await rt.revocations.sync()
    expect((await me(s.accessToken)).status).toBe(401)
  })
})
