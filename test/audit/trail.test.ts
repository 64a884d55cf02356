import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { definePlugin } from '@plume/core'

/**
 * The audit trail of entity writes and actions: one row per change in the change's own
 * transaction, with who, how, from where and what changed.
 */

let p: TestPlatform
let admin: string
let adminId: number

// a record action that changes the record through the service, inside the action's transaction
const fixture = definePlugin({
  name: 'audit-fixture',
  version: '1.0.0',
  actions: {
    customer: {
      block: {
        async handler(id, data, { app, trx, params }) {
          await app.service('api/customers').patch(id, { status: 'blocked' }, { transaction: trx })
          if (data.fail === true) throw new Error('the action failed after its write')
          return { id, blockedBy: (params.user as { id?: number } | undefined)?.id }
        },
      },
    },
  },
})

type AuditRow = {
  id: number
  action: string
  entity: string
  recordId: string
  actorId: string | null
  actor: string | null
  via: string
  ip: string | null
  requestId: string | null
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  changes: any
  at: string
}

const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  p.http(method, path, body, admin, headers)
const auditOf = async (entity: string, recordId: number | string): Promise<AuditRow[]> => {
  const r = await api('GET', `/api/audit?entity=${entity}&recordId=${recordId}&$sort[id]=1`)
  expect(r.status, JSON.stringify(r.body)).toBe(200)
  return r.body.data
}
const auditCount = async () => Number((await p.db.knex('plume_audit').count({ c: '*' }).first())?.c)

beforeAll(async () => {
  p = await startTestPlatform({ plugins: [fixture] })
  admin = await p.login()
  adminId = (await p.db.knex('users').where({ email: p.adminEmail }).first('id')).id
  for (const [email, roles] of [
    ['rep@test.local', ['sales_rep']],
    ['auditor@test.local', ['auditor']],
  ] as const) {
    await p.app
      .service('api/users')
      .create({ email, name: email, password: 'secret-Pass-1', roles: [...roles], active: true })
  }
})
afterAll(async () => p?.close())

describe('audit rows for entity writes', () => {
  let id: number

  it('records a create with actor, via, client address, request id and the values', async () => {
    const r = await api(
      'POST',
      '/api/customers',
      { code: 'A-1', name: 'Acme', creditLimit: '100.00' },
      { 'X-Request-Id': 'req-create-1' },
    )
    expect(r.status).toBe(201)
    expect(r.headers.get('x-request-id')).toBe('req-create-1')
    id = r.body.id
    const [row, ...rest] = await auditOf('customer', id)
    expect(rest).toHaveLength(0)
    expect(row).toMatchObject({
      action: 'create',
      entity: 'customer',
      recordId: String(id),
      actorId: String(adminId),
      actor: p.adminEmail,
      via: 'rest',
      requestId: 'req-create-1',
    })
    expect(row!.ip).toMatch(/127\.0\.0\.1/)
    expect(row!.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(row!.changes).toMatchObject({
      code: { after: 'A-1' },
      name: { after: 'Acme' },
      creditLimit: { after: '100.00' },
    })
    expect(row!.changes.name).not.toHaveProperty('before')
    expect(row!.changes).not.toHaveProperty('id')
    expect(row!.changes).not.toHaveProperty('createdAt')
  })

  it('generates a request id when the client sends none, and echoes it', async () => {
    const r = await api('PATCH', `/api/customers/${id}`, { name: 'Acme Ltd' })
    expect(r.status).toBe(200)
    const rid = r.headers.get('x-request-id')
    expect(rid).toMatch(/^[0-9a-f-]{36}$/)
    const rows = await auditOf('customer', id)
    expect(rows[1]).toMatchObject({ action: 'patch', requestId: rid })
    // only what changed, with before and after
    expect(rows[1]!.changes).toEqual({ name: { before: 'Acme', after: 'Acme Ltd' } })
  })

  it('records update (PUT) and remove with before values', async () => {
    const u = await api('PUT', `/api/customers/${id}`, {
      code: 'A-1',
      name: 'Acme Ltd',
      creditLimit: '250.00',
    })
    expect(u.status, JSON.stringify(u.body)).toBe(200)
    const d = await api('DELETE', `/api/customers/${id}`)
    expect(d.status).toBe(200)
    const rows = await auditOf('customer', id)
    expect(rows.map((r) => r.action)).toEqual(['create', 'patch', 'update', 'remove'])
    expect(rows[2]!.changes.creditLimit).toEqual({ before: '100.00', after: '250.00' })
    expect(rows[3]!.changes).toMatchObject({
      code: { before: 'A-1' },
      name: { before: 'Acme Ltd' },
      creditLimit: { before: '250.00' },
    })
    expect(rows[3]!.changes.code).not.toHaveProperty('after')
  })

  it('records internal calls as system', async () => {
    const c = await p.app.service('api/customers').create({ code: 'SYS-1', name: 'System made' })
    const [row] = await auditOf('customer', c.id)
    expect(row).toMatchObject({ action: 'create', via: 'system', actorId: null, actor: null, ip: null })
  })

  it('writes no audit row when the write fails (same transaction)', async () => {
    await api('POST', '/api/customers', { code: 'DUP', name: 'First' })
    const before = await auditCount()
    const dup = await api('POST', '/api/customers', { code: 'DUP', name: 'Second' })
    expect(dup.status).toBe(409)
    const missing = await api('PATCH', '/api/customers/999999', { name: 'x' })
    expect(missing.status).toBe(404)
    const invalid = await api('POST', '/api/customers', { code: 'BAD' })
    expect(invalid.status).toBe(400)
    expect(await auditCount()).toBe(before)
  })

  it('masks sensitive values: passwords as ***, other sensitive fields as a keyed mark', async () => {
    const r = await api('POST', '/api/users', {
      email: 'new@test.local',
      name: 'New',
      password: 'secret-Pass-2',
      roles: ['sales_rep'],
    })
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    await api('PATCH', `/api/users/${r.body.id}`, { password: 'secret-Pass-3' })
    const rows = await auditOf('user', r.body.id)
    expect(rows[0]!.changes.password).toEqual({ after: '***' })
    expect(rows[1]!.changes).toEqual({ password: { before: '***', after: '***' } })
    const a = await api('POST', '/api/customers', {
      code: 'PII-1',
      name: 'P',
      email: 'jane@example.com',
      phone: '+1 555 0100',
    })
    const b = await api('POST', '/api/customers', { code: 'PII-2', name: 'Q', email: 'jane@example.com' })
    const [ra] = await auditOf('customer', a.body.id)
    const [rb] = await auditOf('customer', b.body.id)
    expect(ra!.changes.email.after).toMatch(/^\*\*\*:[0-9a-f]{8}$/)
    expect(ra!.changes.phone.after).toMatch(/^\*\*\*:[0-9a-f]{8}$/)
    expect(rb!.changes.email.after).toBe(ra!.changes.email.after)
    const raw = JSON.stringify(await p.db.knex('plume_audit').select('changes'))
    expect(raw).not.toContain('jane@example.com')
    expect(raw).not.toContain('555 0100')
    expect(raw).not.toContain('secret-Pass')
  })
})

describe('audit rows for actions', () => {
  it('records the action and the writes it made, in its transaction, for the caller', async () => {
    const c = await api('POST', '/api/customers', { code: 'ACT-1', name: 'Acted on' })
    const r = await api(
      'POST',
      `/api/customers/${c.body.id}/block`,
      { reason: 'overdue', password: 'not-logged' },
      { 'X-Request-Id': 'req-action-1' },
    )
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    const rows = await auditOf('customer', c.body.id)
    expect(rows.map((x) => x.action)).toEqual(['create', 'block', 'patch'])
    expect(rows[1]).toMatchObject({
      actorId: String(adminId),
      via: 'rest',
      requestId: 'req-action-1',
      changes: { input: { reason: 'overdue', password: '***' } },
    })
    // the nested internal patch acts for the action's caller
    expect(rows[2]).toMatchObject({
      actorId: String(adminId),
      via: 'rest',
      requestId: 'req-action-1',
      changes: { status: { after: 'blocked' } },
    })
  })

  it('rolls the action, its writes and their audit rows back together', async () => {
    const c = await api('POST', '/api/customers', { code: 'ACT-2', name: 'Not blocked' })
    const before = await auditCount()
    const r = await api('POST', `/api/customers/${c.body.id}/block`, { fail: true })
    expect(r.status).toBe(500)
    expect(await auditCount()).toBe(before)
    expect((await api('GET', `/api/customers/${c.body.id}`)).body.status).not.toBe('blocked')
  })
})

describe('api/audit', () => {
  it('is for admins and auditors only', async () => {
    expect((await p.http('GET', '/api/audit')).status).toBe(401)
    const rep = await p.login('rep@test.local', 'secret-Pass-1')
    expect((await p.http('GET', '/api/audit', undefined, rep)).status).toBe(403)
    expect((await p.http('GET', '/api/audit/verify', undefined, rep)).status).toBe(403)
    const auditor = await p.login('auditor@test.local', 'secret-Pass-1')
    const r = await p.http('GET', '/api/audit?$limit=5', undefined, auditor)
    expect(r.status).toBe(200)
    expect(r.body.data).toHaveLength(5)
    expect(r.body.data[0].id).toBeGreaterThan(r.body.data[4].id)
    for (const method of ['POST', 'PATCH', 'PUT', 'DELETE']) {
      const w = await p.http(
        method,
        method === 'POST' ? '/api/audit' : '/api/audit/1',
        { action: 'x' },
        admin,
      )
      expect(w.status, method).toBe(405)
    }
  })

  it('filters by entity, record, actor, action and time', async () => {
    const since = new Date().toISOString()
    const c = await api('POST', '/api/customers', { code: 'Q-1', name: 'Queried' })
    await api('PATCH', `/api/customers/${c.body.id}`, { name: 'Queried 2' })
    const byTime = await api('GET', `/api/audit?at[$gte]=${encodeURIComponent(since)}&entity=customer`)
    expect(byTime.body.data.map((r: AuditRow) => r.action).sort()).toEqual(['create', 'patch'])
    const byAction = await api(
      'GET',
      `/api/audit?entity=customer&recordId=${c.body.id}&action=patch&actorId=${adminId}`,
    )
    expect(byAction.body.total).toBe(1)
    const one = await api('GET', `/api/audit/${byAction.body.data[0].id}`)
    expect(one.body).toMatchObject({ action: 'patch', recordId: String(c.body.id) })
    expect((await api('GET', '/api/audit?bogus=1')).status).toBe(400)
    expect((await api('GET', '/api/audit?at[$gte]=yesterday')).status).toBe(400)
    expect((await api('GET', '/api/audit?$limit=100000')).status).toBe(400)
  })

  it('verifies the chain over HTTP', async () => {
    const r = await api('GET', '/api/audit/verify')
    expect(r.status).toBe(200)
    expect(r.body.ok).toBe(true)
    expect(r.body.checked).toBe(await auditCount())
  })
})
