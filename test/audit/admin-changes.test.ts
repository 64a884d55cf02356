import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'

// #13.14: administrative changes — permission rules, alert/automation rules, plugin switches, the
// webhook allow-list — are in the hash-chained audit trail like data changes: actor, before/after
let p: TestPlatform
let token: string
let adminId: string

type AuditRow = {
  action: string
  entity: string
  recordId: string
  actorId: string | null
  actor: string | null
  via: string
  requestId: string | null
  changes: Record<string, { before?: unknown; after?: unknown }>
}

const trail = async (entity: string, recordId: string | number): Promise<AuditRow[]> => {
  const r = await p.http(
    'GET',
    `/api/audit?entity=${entity}&recordId=${encodeURIComponent(String(recordId))}&$sort[id]=1`,
    undefined,
    token,
  )
  expect(r.status).toBe(200)
  return r.body.data as AuditRow[]
}

beforeAll(async () => {
  p = await startTestPlatform()
  token = await p.login()
  adminId = String(
    ((await p.db.knex('users').where({ email: p.adminEmail }).first('id')) as { id: number }).id,
  )
})
afterAll(async () => {
  await p?.close()
})

describe('administrative changes are audited', () => {
  it('audits a permission rule created, patched and removed, with actor and before/after', async () => {
    const rule = {
      name: 'audit-probe-read',
      effect: 'allow',
      entities: ['customer'],
      actions: ['find'],
      conditions: { all: [{ fact: 'user', path: '$.roles', operator: 'contains', value: 'auditor' }] },
    }
    const c = await p.http('POST', '/api/rules', { definition: rule, enabled: false }, token)
    expect(c.status).toBe(201)
    expect((await p.http('PATCH', `/api/rules/${c.body.id}`, { enabled: true }, token)).status).toBe(200)
    expect((await p.http('DELETE', `/api/rules/${c.body.id}`, undefined, token)).status).toBe(200)
    const rows = await trail('permissionRule', c.body.id)
    expect(rows.map((r) => r.action)).toEqual(['create', 'patch', 'remove'])
    for (const r of rows)
      expect(r).toMatchObject({
        actorId: adminId,
        actor: p.adminEmail,
        via: 'rest',
        requestId: expect.any(String),
      })
    expect(rows[0]!.changes).toMatchObject({
      name: { after: 'audit-probe-read' },
      enabled: { after: false },
      version: { after: 1 },
      definition: { after: rule },
    })
    expect(rows[1]!.changes).toEqual({
      enabled: { before: false, after: true },
      version: { before: 1, after: 2 },
    })
    expect(rows[2]!.changes).toMatchObject({
      name: { before: 'audit-probe-read' },
      enabled: { before: true },
    })
    expect(rows[2]!.changes.name).not.toHaveProperty('after')
  })

  it('audits an alert rule and masks a secret inside its definition', async () => {
    const def = {
      name: 'audit-probe-alert',
      trigger: { type: 'event', entity: 'customer', on: 'created' },
      conditions: { all: [] },
      actions: [{ type: 'webhook', url: 'https://hooks.example.com/x', secret: 'super-secret-value' }],
    }
    const c = await p.http('POST', '/api/alert-rules', { kind: 'alert', definition: def }, token)
    expect(c.status).toBe(201)
    expect(
      (
        await p.http(
          'PATCH',
          `/api/alert-rules/${c.body.id}`,
          { definition: { ...def, description: 'v2' } },
          token,
        )
      ).status,
    ).toBe(200)
    expect((await p.http('DELETE', `/api/alert-rules/${c.body.id}`, undefined, token)).status).toBe(200)
    const rows = await trail('alertRule', c.body.id)
    expect(rows.map((r) => r.action)).toEqual(['create', 'patch', 'remove'])
    expect(rows[0]).toMatchObject({
      actorId: adminId,
      changes: { kind: { after: 'alert' }, definition: { after: { name: 'audit-probe-alert' } } },
    })
    expect(JSON.stringify(rows)).not.toContain('super-secret-value')
    expect(
      (rows[0]!.changes.definition!.after as { actions: Array<{ secret: string }> }).actions[0]!.secret,
    ).toBe('***')
    expect(rows[1]!.changes.definition).toMatchObject({
      before: { name: 'audit-probe-alert' },
      after: { description: 'v2' },
    })
  })

  it('does not audit a refused change (it rolls back with it)', async () => {
    const before = (await p.http('GET', '/api/audit?entity=permissionRule', undefined, token)).body
      .total as number
    const bad = await p.http('POST', '/api/rules', { definition: { name: 'x', effect: 'perhaps' } }, token)
    expect(bad.status).toBe(400)
    expect((await p.http('GET', '/api/audit?entity=permissionRule', undefined, token)).body.total).toBe(
      before,
    )
  })

  it('audits plugin switches and webhook allow-list changes', async () => {
    expect((await p.http('PATCH', '/api/plugins/reporting', { enabled: false }, token)).status).toBe(200)
    expect((await p.http('PATCH', '/api/plugins/reporting', { enabled: true }, token)).status).toBe(200)
    const rows = await trail('plugin', 'reporting')
    expect(rows.map((r) => [r.action, r.changes])).toEqual([
      ['disable', { enabled: { before: true, after: false } }],
      ['enable', { enabled: { before: false, after: true } }],
    ])
    expect(rows[0]).toMatchObject({ actorId: adminId, via: 'rest' })

    expect(
      (await p.http('POST', '/api/webhook-allowlist', { host: '10.1.2.3', note: 'receiver' }, token)).status,
    ).toBe(201)
    expect((await p.http('DELETE', '/api/webhook-allowlist/10.1.2.3', undefined, token)).status).toBe(200)
    const hosts = await trail('webhookAllowlist', '10.1.2.3')
    expect(hosts.map((r) => [r.action, r.changes])).toEqual([
      ['create', { host: { after: '10.1.2.3' }, note: { after: 'receiver' } }],
      ['remove', { host: { before: '10.1.2.3' }, note: { before: 'receiver' } }],
    ])
  })

  it('keeps the chain verifiable', async () => {
    const r = await p.http('GET', '/api/audit/verify', undefined, token)
    expect(r.status).toBe(200)
    expect(r.body.ok).toBe(true)
  })
})
