import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, testDatabase, type TestPlatform } from '@plume/core/testing'
import { KeyRing, parseKeys, verifyAuditChain, type DatabaseOptions } from '@plume/core/internal'
import { signedInSocket } from '../api/sockets.js'

/**
 * Encryption at rest of `x-sensitive` fields: ciphertext in the column, plain text through the
 * API for roles allowed to see it, `***` for the others, no filtering on ciphertext, and key
 * rotation with the CLI.
 */

const k1 = `k1:${randomBytes(32).toString('base64')}`
const k2 = `k2:${randomBytes(32).toString('base64')}`
const savedKeys = process.env.PLUME_ENCRYPTION_KEYS

let p: TestPlatform | undefined
let db: { options: DatabaseOptions; drop(): Promise<void> }
let admin: string
let rep: string
let finance: string
let customerId: number
let repId: number
let legacyId: number

const platform = () => p!
const start = async (keys: string) => {
  process.env.PLUME_ENCRYPTION_KEYS = keys
  p = await startTestPlatform({ database: db.options })
  admin = await p.login()
}
const raw = async (id: number) =>
  (await platform().db.knex('customers').where({ id }).first('email', 'phone', 'name')) as {
    email: string | null
    phone: string | null
    name: string
  }

beforeAll(async () => {
  if (process.env.DATABASE_URL) db = await testDatabase()
  else {
    const dir = mkdtempSync(join(tmpdir(), 'plume-crypto-'))
    db = { options: { dataDir: dir }, drop: async () => rmSync(dir, { recursive: true, force: true }) }
  }
  await start(k1)
  const users = platform().app.service('api/users')
  repId = (
    await users.create({
      email: 'rep@test.local',
      name: 'Rep',
      password: 'secret-Pass-1',
      roles: ['sales_rep'],
      active: true,
    })
  ).id
  await users.create({
    email: 'fin@test.local',
    name: 'Fin',
    password: 'secret-Pass-1',
    roles: ['finance'],
    active: true,
  })
  rep = await platform().login('rep@test.local', 'secret-Pass-1')
  finance = await platform().login('fin@test.local', 'secret-Pass-1')
})
afterAll(async () => {
  await p?.close()
  await db?.drop()
  if (savedKeys === undefined) delete process.env.PLUME_ENCRYPTION_KEYS
  else process.env.PLUME_ENCRYPTION_KEYS = savedKeys
})

describe('encrypted fields', () => {
  it('stores ciphertext and returns plain text to the writer', async () => {
    const r = await platform().http(
      'POST',
      '/api/customers',
      {
        code: 'E-1',
        name: 'Encrypted Co',
        email: 'ceo@encrypted.example',
        phone: '+86 10 1234 5678',
        ownerId: repId,
      },
      admin,
    )
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    expect(r.body).toMatchObject({ email: 'ceo@encrypted.example', phone: '+86 10 1234 5678' })
    customerId = r.body.id
    const row = await raw(customerId)
    expect(row.email).toMatch(/^enc:v1:k1:[\w-]+:[\w-]+:[\w-]+$/)
    expect(row.phone).toMatch(/^enc:v1:k1:/)
    expect(row.email).not.toContain('ceo')
    expect(row.name).toBe('Encrypted Co')
    // a random IV per value: equal plain texts do not give equal ciphertexts
    const twin = await platform()
      .app.service('api/customers')
      .create({ code: 'E-2', name: 'Twin', email: 'ceo@encrypted.example', ownerId: repId })
    expect((await raw(twin.id)).email).not.toBe(row.email)
  })

  it('reveals to admin and finance, masks for a role without reveal', async () => {
    for (const token of [admin, finance]) {
      const g = await platform().http('GET', `/api/customers/${customerId}`, undefined, token)
      expect(g.body).toMatchObject({ email: 'ceo@encrypted.example', phone: '+86 10 1234 5678' })
    }
    const g = await platform().http('GET', `/api/customers/${customerId}`, undefined, rep)
    expect(g.status).toBe(200)
    expect(g.body).toMatchObject({ name: 'Encrypted Co', email: '***', phone: '***' })
    const list = await platform().http('GET', '/api/customers?code=E-2', undefined, rep)
    expect(list.body.data[0]).toMatchObject({ email: '***', phone: null })
    const adminList = await platform().http(
      'GET',
      '/api/customers?code[$in]=E-1,E-2&$select=code,email',
      undefined,
      admin,
    )
    expect(adminList.status).toBe(200)
    expect(adminList.body.data.map((c: { email: string }) => c.email)).toEqual([
      'ceo@encrypted.example',
      'ceo@encrypted.example',
    ])
    // internal calls read plain text
    expect((await platform().app.service('api/customers').get(customerId)).email).toBe(
      'ceo@encrypted.example',
    )
  })

  it('realtime events show them as REST does: plain to reveal roles, *** to the others', async () => {
    const sockets = await Promise.all([
      signedInSocket(platform(), platform().adminEmail, platform().adminPassword),
      signedInSocket(platform(), 'rep@test.local', 'secret-Pass-1'),
    ])
    try {
      await platform().app.service('api/customers').patch(customerId, { name: 'Encrypted Co (live)' })
      const [toAdmin, toRep] = await Promise.all(
        sockets.map((s) =>
          s.until('api/customers patched', (d) => d.id === customerId && d.name === 'Encrypted Co (live)'),
        ),
      )
      expect(toAdmin).toMatchObject({ email: 'ceo@encrypted.example', phone: '+86 10 1234 5678' })
      expect(toRep).toMatchObject({ email: '***', phone: '***' })
    } finally {
      for (const s of sockets) s.close()
    }
  })

  it('refuses to filter or sort on an encrypted field (400)', async () => {
    for (const qs of [
      'email=ceo@encrypted.example',
      'phone[$like]=%2B86%25',
      '$sort[email]=1',
      '$or[0][email]=x&$or[1][name]=y',
    ]) {
      const r = await platform().http('GET', `/api/customers?${qs}`, undefined, admin)
      expect(r.status, qs).toBe(400)
      expect(r.body.message).toMatch(/encrypted/)
    }
    await expect(
      platform()
        .app.service('api/customers')
        .find({ query: { email: 'x' } }),
    ).rejects.toMatchObject({ code: 400 })
  })

  it('re-encrypts on change and audits masked marks only', async () => {
    const before = (await raw(customerId)).email
    const r = await platform().http(
      'PATCH',
      `/api/customers/${customerId}`,
      { email: 'cfo@encrypted.example' },
      admin,
    )
    expect(r.body.email).toBe('cfo@encrypted.example')
    const after = (await raw(customerId)).email
    expect(after).toMatch(/^enc:v1:k1:/)
    expect(after).not.toBe(before)
    const audit = await platform().http(
      'GET',
      `/api/audit?entity=customer&recordId=${customerId}&action=patch`,
      undefined,
      admin,
    )
    const change = audit.body.data[0].changes.email
    expect(change.before).toMatch(/^\*\*\*:[0-9a-f]{8}$/)
    expect(change.after).toMatch(/^\*\*\*:[0-9a-f]{8}$/)
    expect(change.before).not.toBe(change.after)
    expect(audit.body.data[0].changes).not.toHaveProperty('phone')
    // a write by a role without reveal gets the masked record back
    const byRep = await platform().http(
      'PATCH',
      `/api/customers/${customerId}`,
      { name: 'Encrypted Co 2' },
      rep,
    )
    expect(byRep.status).toBe(200)
    expect(byRep.body).toMatchObject({ name: 'Encrypted Co 2', email: '***' })
    expect((await platform().app.service('api/customers').get(customerId)).email).toBe(
      'cfo@encrypted.example',
    )
  })

  it('leaves the login email and the password hash alone', async () => {
    const u = (await platform()
      .db.knex('users')
      .where({ email: 'rep@test.local' })
      .first('email', 'password')) as { email: string; password: string }
    expect(u.email).toBe('rep@test.local')
    expect(u.password).not.toMatch(/^enc:/)
  })

  it('reads legacy plain-text values written around the services', async () => {
    const [row] = (await platform()
      .db.knex('customers')
      .insert({ code: 'LEG-1', name: 'Legacy', email: 'old@legacy.example' })
      .returning('id')) as Array<{ id: number }>
    legacyId = row!.id
    expect((await platform().http('GET', `/api/customers/${legacyId}`, undefined, admin)).body.email).toBe(
      'old@legacy.example',
    )
  })
})

describe('key rotation', () => {
  it('re-encrypts every value with the new key; the old key can then be dropped', async () => {
    await platform().close()
    p = undefined
    const env = {
      ...process.env,
      PLUME_ENCRYPTION_KEYS: `${k2},${k1}`,
      DATABASE_URL: db.options.url ?? '',
      PLUME_DATA_DIR: db.options.dataDir ?? '',
      PLUME_ROTATE_BATCH: '2',
      LOG_LEVEL: 'silent',
    }
    const run = spawnSync(join('node_modules', '.bin', 'tsx'), ['core/src/cli/rotate-keys.ts'], {
      env,
      encoding: 'utf8',
      timeout: 180_000,
    })
    expect(run.status, run.stderr).toBe(0)
    const report = JSON.parse(run.stdout.trim().split('\n').pop()!)
    expect(report).toMatchObject({ key: 'k2' })
    expect(report.entities.customer).toBeGreaterThanOrEqual(4)

    // restart with the new key only
    await start(k2)
    const all = (await platform().db.knex('customers').select('id', 'email', 'phone')) as Array<{
      id: number
      email: string | null
      phone: string | null
    }>
    for (const c of all) for (const v of [c.email, c.phone]) if (v !== null) expect(v).toMatch(/^enc:v1:k2:/)
    const ring = new KeyRing(parseKeys(k2))
    expect(ring.decrypt(all.find((c) => c.id === legacyId)!.email)).toBe('old@legacy.example')
    expect(
      (await platform().http('GET', `/api/customers/${customerId}`, undefined, admin)).body,
    ).toMatchObject({ email: 'cfo@encrypted.example', phone: '+86 10 1234 5678' })
    expect((await platform().http('GET', `/api/customers/${legacyId}`, undefined, admin)).body.email).toBe(
      'old@legacy.example',
    )
    // the rotation is in the audit trail, and the chain still holds
    const audit = await platform().http('GET', '/api/audit?action=rotate-keys', undefined, admin)
    expect(audit.body.data[0]).toMatchObject({ via: 'system', changes: { key: 'k2' } })
    expect((await verifyAuditChain(platform().db.knex)).ok).toBe(true)
    // a second run finds nothing left to do (on PostgreSQL: an embedded database has one process at a time)
    if (platform().db.kind === 'postgres') {
      const again = spawnSync(join('node_modules', '.bin', 'tsx'), ['core/src/cli/rotate-keys.ts'], {
        env: { ...env, PLUME_ENCRYPTION_KEYS: k2 },
        encoding: 'utf8',
        timeout: 180_000,
      })
      expect(again.status, again.stderr).toBe(0)
      expect(JSON.parse(again.stdout.trim().split('\n').pop()!).values).toBe(0)
    }
  })
})
