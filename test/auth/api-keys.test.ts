import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { io, type Socket } from 'socket.io-client'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'

let p: TestPlatform
let admin: string
let socket: Socket

beforeAll(async () => {
  p = await startTestPlatform()
  admin = await p.login()
  socket = io(p.url, { transports: ['websocket'], forceNew: true, reconnection: false })
  await new Promise<void>((resolve) => socket.on('connect', () => resolve()))
  await new Promise((resolve, reject) =>
    socket.emit(
      'create',
      'api/authentication',
      { strategy: 'local', email: p.adminEmail, password: p.adminPassword },
      (err: unknown, r: unknown) => (err ? reject(err) : resolve(r)),
    ),
  )
})
afterAll(async () => {
  socket?.close()
  await p?.close()
})

const withKey = (key: string, headers: Record<string, string> = {}) =>
  p.http('GET', '/api/customers?$limit=1', undefined, undefined, { 'x-api-key': key, ...headers })

describe('API keys', () => {
  let key: string
  let id: number

  it('are created by an admin and shown once: plm_<prefix>_<secret>, hash never returned', async () => {
    const events: Array<Record<string, unknown>> = []
    socket.on('api/api-keys created', (k: Record<string, unknown>) => events.push(k))
    const r = await p.http('POST', '/api/api-keys', { name: 'ERP sync', roles: ['admin'] }, admin)
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    key = r.body.key
    id = r.body.id
    expect(key).toMatch(/^plm_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43}$/)
    expect(r.body.prefix).toBe(key.slice(4, 12))
    expect(r.body.keyHash).toBeUndefined()
    expect(r.body.createdById).toBeGreaterThan(0)
    const got = await p.http('GET', `/api/api-keys/${id}`, undefined, admin)
    expect(got.body.key).toBeUndefined()
    expect(got.body.keyHash).toBeUndefined()
    const list = await p.http('GET', '/api/api-keys', undefined, admin)
    expect(JSON.stringify(list.body)).not.toContain(key.slice(13))
    const row = await p.db.knex('api_keys').where({ id }).first()
    expect(row.keyHash).toMatch(/^[0-9a-f]{64}$/)
    expect(row.keyHash).not.toContain(key.slice(13))
    await new Promise((r) => setTimeout(r, 200))
    expect(events).toHaveLength(1)
    expect(events[0]!.key).toBeUndefined()
    expect(events[0]!.keyHash).toBeUndefined()
  })

  it('refuses a client-chosen hash or prefix', async () => {
    const hash = await p.http('POST', '/api/api-keys', { name: 'X', keyHash: 'a'.repeat(64) }, admin)
    expect(hash.status).toBe(400)
    expect(hash.body.errors.map((e: { path: string }) => e.path)).toContain('/keyHash')
    const prefix = await p.http('POST', '/api/api-keys', { name: 'X', prefix: 'AAAAAAAA' }, admin)
    expect(prefix.status).toBe(400)
  })

  it('authenticate REST calls with X-Api-Key and record lastUsedAt', async () => {
    const before = await p.http('GET', `/api/api-keys/${id}`, undefined, admin)
    expect(before.body.lastUsedAt).toBeNull()
    const r = await withKey(key)
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    const after = await p.http('GET', `/api/api-keys/${id}`, undefined, admin)
    expect(after.body.lastUsedAt).toBeTruthy()
    expect(after.body.version).toBe(before.body.version)
    // throttled: a second use within the minute does not write again
    await withKey(key)
    expect((await p.http('GET', `/api/api-keys/${id}`, undefined, admin)).body.lastUsedAt).toBe(
      after.body.lastUsedAt,
    )
  })

  it('refuses unknown and tampered keys with 401', async () => {
    expect((await withKey('plm_AAAAAAAA_' + 'B'.repeat(43))).status).toBe(401)
    expect((await withKey(key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A'))).status).toBe(401)
    expect((await withKey('nonsense')).status).toBe(401)
  })

  it('check the Origin against allowedOrigins (403 otherwise)', async () => {
    const r = await p.http(
      'POST',
      '/api/api-keys',
      { name: 'Shop widget', roles: ['admin'], allowedOrigins: ['https://shop.example.com'] },
      admin,
    )
    expect(r.status).toBe(201)
    expect((await withKey(r.body.key, { origin: 'https://shop.example.com' })).status).toBe(200)
    expect((await withKey(r.body.key, { origin: 'https://evil.example.com' })).status).toBe(403)
    expect((await withKey(r.body.key)).status).toBe(403)
  })

  it('cannot manage API keys themselves', async () => {
    const r = await p.http('POST', '/api/api-keys', { name: 'Escalate', roles: ['admin'] }, undefined, {
      'x-api-key': key,
    })
    expect(r.status).toBe(403)
  })

  it('are refused once revoked (PATCH {revoked: true}) and cannot be restored', async () => {
    const r = await p.http('PATCH', `/api/api-keys/${id}`, { revoked: true }, admin)
    expect(r.status).toBe(200)
    expect(r.body.revokedAt).toBeTruthy()
    expect((await withKey(key)).status).toBe(401)
    const back = await p.http('PATCH', `/api/api-keys/${id}`, { revoked: false }, admin)
    expect(back.status).toBe(400)
    expect((await withKey(key)).status).toBe(401)
  })

  it('are refused once revoked through the revoke action, or expired', async () => {
    const a = (await p.http('POST', '/api/api-keys', { name: 'A', roles: ['admin'] }, admin)).body
    expect((await withKey(a.key)).status).toBe(200)
    const revoked = await p.http('POST', `/api/api-keys/${a.id}/revoke`, {}, admin)
    expect(revoked.status).toBe(201)
    expect(revoked.body.revoked).toBe(true)
    expect((await withKey(a.key)).status).toBe(401)
    const b = (
      await p.http(
        'POST',
        '/api/api-keys',
        { name: 'B', roles: ['admin'], expiresAt: new Date(Date.now() - 1000).toISOString() },
        admin,
      )
    ).body
    expect((await withKey(b.key)).status).toBe(401)
  })

  it('partner keys need a partner; staff keys must not have one', async () => {
    const partner = await p.http('POST', '/api/api-keys', { name: 'P', roles: ['partner_user'] }, admin)
    expect(partner.status).toBe(400)
    expect(partner.body.errors.map((e: { path: string }) => e.path)).toContain('/partnerId')
  })

  it('act as a principal with the key roles, partner and owner', async () => {
    const k = (await p.http('POST', '/api/api-keys', { name: 'Principal', roles: ['auditor'] }, admin)).body
    let seen: unknown
    p.app.service('api/customers').hooks({
      before: {
        find: [
          (ctx: { params: { user?: unknown; via?: unknown } }) => {
            if (ctx.params.via === 'api-key') seen = { user: ctx.params.user, via: ctx.params.via }
          },
        ],
      },
    })
    await withKey(k.key)
    expect(seen).toEqual({
      user: { id: k.createdById, apiKeyId: k.id, roles: ['auditor'], partnerId: null },
      via: 'api-key',
    })
  })
})
