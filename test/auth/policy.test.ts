import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { createUser } from './helpers.js'

let p: TestPlatform
let admin: string

beforeAll(async () => {
  p = await startTestPlatform()
  admin = await p.login()
})
afterAll(async () => p?.close())

const paths = (body: { errors?: Array<{ path: string }> }) => (body.errors ?? []).map((e) => e.path)

describe('password policy', () => {
  it.each([
    ['too short', 'abc12345'],
    ['nine characters', 'abcde1234'],
    ['no digit', 'onlyLettersHere'],
    ['no letter', '12345678901'],
    ['the email', 'pw1-same@test.local'],
  ])('refuses a password that is %s (400 naming /password)', async (_why, password) => {
    const r = await p.http(
      'POST',
      '/api/users',
      { email: 'pw1-same@test.local', name: 'P', password, roles: ['sales_rep'] },
      admin,
    )
    expect(r.status).toBe(400)
    expect(paths(r.body)).toContain('/password')
  })

  it('accepts a good password, stores a slow hash and never returns it', async () => {
    const id = await createUser(p, admin, { email: 'good@test.local', password: 'good-Password-1' })
    const got = await p.http('GET', `/api/users/${id}`, undefined, admin)
    expect(got.body.password).toBeUndefined()
    expect(JSON.stringify(got.body)).not.toMatch(/scrypt|\$2[aby]\$/)
    const row = await p.db.knex('users').select('password').where({ id }).first()
    expect(row.password).toMatch(/^\$scrypt\$ln=15,r=8,p=3\$/)
    expect(row.password).not.toContain('good-Password-1')
    expect(await p.login('good@test.local', 'good-Password-1')).toBeTruthy()
  })

  it('checks a patched password against the stored email', async () => {
    const id = await createUser(p, admin, { email: 'patcher@test.local', password: 'first-Password-1' })
    const same = await p.http('PATCH', `/api/users/${id}`, { password: 'PATCHER@test.local' }, admin)
    expect(same.status).toBe(400)
    expect(paths(same.body)).toEqual(['/password'])
    const short = await p.http('PATCH', `/api/users/${id}`, { password: 'short1' }, admin)
    expect(short.status).toBe(400)
    const ok = await p.http('PATCH', `/api/users/${id}`, { password: 'second-Password-2' }, admin)
    expect(ok.status).toBe(200)
    expect(ok.body.password).toBeUndefined()
    expect(await p.login('patcher@test.local', 'second-Password-2')).toBeTruthy()
  })

  it('keeps the test admin password valid under the policy', async () => {
    expect(p.adminPassword.length).toBeGreaterThanOrEqual(10)
  })
})

describe('roles and partners', () => {
  let partnerId: number
  beforeAll(async () => {
    const tier = await p.http('POST', '/api/partner-tiers', { code: 'T1', name: 'Tier 1', rank: 1 }, admin)
    expect(tier.status, JSON.stringify(tier.body)).toBe(201)
    const partner = await p.http(
      'POST',
      '/api/partners',
      { code: 'P-1', name: 'Partner One', kind: 'distributor', tierId: tier.body.id },
      admin,
    )
    expect(partner.status, JSON.stringify(partner.body)).toBe(201)
    partnerId = partner.body.id
  })

  it('holds several roles', async () => {
    const id = await createUser(p, admin, {
      email: 'multi@test.local',
      password: 'multi-Role-123',
      roles: ['sales_manager', 'finance', 'auditor'],
    })
    expect((await p.http('GET', `/api/users/${id}`, undefined, admin)).body.roles).toEqual([
      'sales_manager',
      'finance',
      'auditor',
    ])
  })

  it('requires partnerId for partner roles (400 naming /partnerId)', async () => {
    const r = await p.http(
      'POST',
      '/api/users',
      { email: 'pu@test.local', name: 'PU', password: 'partner-User-1', roles: ['partner_user'] },
      admin,
    )
    expect(r.status).toBe(400)
    expect(paths(r.body)).toContain('/partnerId')
    const ok = await p.http(
      'POST',
      '/api/users',
      { email: 'pu@test.local', name: 'PU', password: 'partner-User-1', roles: ['partner_admin'], partnerId },
      admin,
    )
    expect(ok.status).toBe(201)
    const cleared = await p.http('PATCH', `/api/users/${ok.body.id}`, { partnerId: null }, admin)
    expect(cleared.status).toBe(400)
    expect(paths(cleared.body)).toContain('/partnerId')
  })

  it('refuses a partner for staff users, and mixed staff and partner roles', async () => {
    const staff = await p.http(
      'POST',
      '/api/users',
      { email: 'st@test.local', name: 'ST', password: 'staff-User-12', roles: ['sales_rep'], partnerId },
      admin,
    )
    expect(staff.status).toBe(400)
    expect(paths(staff.body)).toContain('/partnerId')
    const mixed = await p.http(
      'POST',
      '/api/users',
      {
        email: 'mx@test.local',
        name: 'MX',
        password: 'mixed-User-12',
        roles: ['sales_rep', 'partner_user'],
        partnerId,
      },
      admin,
    )
    expect(mixed.status).toBe(400)
    expect(paths(mixed.body)).toContain('/roles')
  })
})
