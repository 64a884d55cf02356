/**
 * One read per write (#14 item 2): a plain PATCH locks its row once, inside its transaction, and the
 * permission check, the audit trail and the automation rules all take that row; an action reads its record once — the action layer's lock,
 * handed to the handler as `context.record` — and the finance and commissions handlers do not
 * read it again. Counted with knex's `query` event on the real database: the SELECTs that name the
 * record's table during one call (on PostgreSQL the lock itself is a prepared statement knex does not
 * report: there no other locking read may be seen).
 */
import type { Knex } from 'knex'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SampleRecords, startTestPlatform, type TestPlatform } from '@plume/core/testing'

/** On PostgreSQL the action layer's lock runs as a named prepared statement, which knex's `query` event does not see. */
const LOCKS = process.env.DATABASE_URL ? 0 : 1

let p: TestPlatform
let token: string
let samples: SampleRecords

beforeAll(async () => {
  p = await startTestPlatform()
  token = await p.login()
  samples = new SampleRecords(p, token)
}, 600_000)
afterAll(async () => {
  await p?.close()
})

/** The SELECTs reading `table` while `work` runs (the statements knex sends, prepared ones included on PGlite). */
async function selectsOn(table: string, work: () => Promise<unknown>): Promise<string[]> {
  const knex = p.db.knex as Knex
  const seen: string[] = []
  const from = new RegExp(`\\bfrom\\s+"?${table}"?(\\s|$)`, 'i')
  const listen = (q: { sql?: string }) => {
    const sql = q.sql ?? ''
    if (/^\s*select\b/i.test(sql) && from.test(sql)) seen.push(sql)
  }
  knex.on('query', listen)
  try {
    await work()
  } finally {
    knex.removeListener('query', listen)
  }
  return seen
}

describe('an action reads its record once', () => {
  it('approving and paying a payout batch reads the batch only in the lock', async () => {
    // accruals are written by the system only: one open accrual for a partner, so a batch can be made
    const partnerId = await samples.idOf('partner')
    const orderId = await samples.idOf('order')
    await p.db.knex('commission_accruals').insert({
      partnerId,
      orderId,
      kind: 'accrual',
      base: '100.00',
      amount: '5.00',
      period: '2026-12',
      status: 'open',
    })
    const batch = await samples.create('payoutBatch', { partnerId })
    const approve = await selectsOn('payout_batches', async () => {
      const r = await p.http('POST', `/api/payout-batches/${String(batch.id)}/approve`, {}, token)
      expect(r.status, JSON.stringify(r.body)).toBe(201)
    })
    // the lock only: the handler does not read the batch again (`select "id", "status"`)
    expect(
      approve.filter((s) => /for update/i.test(s)),
      approve.join('\n'),
    ).toHaveLength(LOCKS)
    expect(
      approve.filter((s) => /^select "id", "status" from/i.test(s)),
      approve.join('\n'),
    ).toEqual([])
    const pay = await selectsOn('payout_batches', async () => {
      const r = await p.http(
        'POST',
        `/api/payout-batches/${String(batch.id)}/pay`,
        { reference: 'T-1' },
        token,
      )
      expect(r.status, JSON.stringify(r.body)).toBe(201)
    })
    expect(
      pay.filter((s) => /for update/i.test(s)),
      pay.join('\n'),
    ).toHaveLength(LOCKS)
    // the handler's own read (`select "id", "status"`) is gone
    expect(
      pay.filter((s) => /^select "id", "status" from/i.test(s)),
      pay.join('\n'),
    ).toEqual([])
  })

  it('issuing and voiding an invoice reads the invoice once, in the lock (the handler and the audit trail take it from there)', async () => {
    const invoice = await samples.create('invoice')
    await samples.create('invoiceLine', { invoiceId: invoice.id })
    const issue = await selectsOn('invoices', async () => {
      const r = await p.http('POST', `/api/invoices/${String(invoice.id)}/issue`, {}, token)
      expect(r.status, JSON.stringify(r.body)).toBe(201)
    })
    expect(
      issue.filter((s) => /for update/i.test(s)),
      issue.join('\n'),
    ).toHaveLength(LOCKS)
    const voided = await selectsOn('invoices', async () => {
      const r = await p.http('POST', `/api/invoices/${String(invoice.id)}/void`, { reason: 'typo' }, token)
      expect(r.status, JSON.stringify(r.body)).toBe(201)
    })
    expect(
      voided.filter((s) => /for update/i.test(s)),
      voided.join('\n'),
    ).toHaveLength(LOCKS)
    // the audit trail still holds the state before each change
    const audit = await p.http(
      'GET',
      `/api/audit?entity=invoice&recordId=${String(invoice.id)}&$limit=50`,
      undefined,
      token,
    )
    expect(audit.status, JSON.stringify(audit.body)).toBe(200)
    const rows = ((audit.body as { data?: unknown[] }).data ?? (audit.body as unknown[])) as Array<{
      action: string
      changes: Record<string, { before?: unknown; after?: unknown }>
    }>
    const changes = rows.filter((r) => r.action === 'patch').map((r) => r.changes.status)
    expect(changes).toEqual(
      expect.arrayContaining([
        { before: 'draft', after: 'issued' },
        { before: 'issued', after: 'void' },
      ]),
    )
  })
})

describe('a plain PATCH reads its row once', () => {
  it("a sales rep's PATCH of their own activity: one SELECT on the table (the lock); outside their rows 404 and nothing written", async () => {
    const users = p.app.service('api/users')
    const rep = (await users.create({
      email: 'one-read-rep@example.test',
      name: 'Rep',
      password: 'One-Read-Secret-1',
      roles: ['sales_rep'],
      active: true,
    })) as { id: number }
    const repToken = await p.login('one-read-rep@example.test', 'One-Read-Secret-1')
    const mine = await samples.create('activity', { userId: rep.id })
    const other = await samples.create('activity', { subject: 'Not yours' })
    // an after-rule listening to the change: the automation layer takes part in the write
    const rule = await p.http(
      'POST',
      '/api/alert-rules',
      {
        kind: 'alert',
        enabled: true,
        definition: {
          name: 'activity-done-one-read',
          trigger: { type: 'event', entity: 'activity', on: 'patched' },
          conditions: { all: [{ fact: 'record', path: '$.done', operator: 'equal', value: true }] },
          actions: [{ type: 'notify', roles: ['admin'], title: 'Done: {{record.subject}}' }],
        },
      },
      token,
    )
    expect(rule.status, JSON.stringify(rule.body)).toBe(201)
    // the rep's own rows are `userId = user.id`: writing userId makes the row-scope check look at the row
    const patch = await selectsOn('activities', async () => {
      const r = await p.http(
        'PATCH',
        `/api/activities/${String(mine.id)}`,
        { subject: 'Called back', done: true, userId: rep.id },
        repToken,
      )
      expect(r.status, JSON.stringify(r.body)).toBe(200)
    })
    expect(patch, patch.join('\n')).toHaveLength(1)
    expect(patch[0]).toMatch(/for update/i)
    // the rule saw the record as written; the audit trail the row before
    const fired = (await p.db
      .knex('plume_alert_firings')
      .where({ ruleName: 'activity-done-one-read', status: 'fired' })) as Array<{ recordId: string }>
    expect(fired.map((f) => f.recordId)).toEqual([String(mine.id)])
    const audit = await p.http(
      'GET',
      `/api/audit?entity=activity&recordId=${String(mine.id)}&$limit=50`,
      undefined,
      token,
    )
    const rows = ((audit.body as { data?: unknown[] }).data ?? []) as Array<{
      action: string
      changes: Record<string, { before?: unknown; after?: unknown }>
    }>
    expect(rows.find((r) => r.action === 'patch')?.changes.subject).toEqual({
      before: mine.subject,
      after: 'Called back',
    })
    // another rep's activity: 404 as today, nothing written
    const outside = await p.http(
      'PATCH',
      `/api/activities/${String(other.id)}`,
      { subject: 'Mine now' },
      repToken,
    )
    expect(outside.status, JSON.stringify(outside.body)).toBe(404)
    const after = (await p.db.knex('activities').where({ id: other.id }).first()) as { subject: string }
    expect(after.subject).toBe('Not yours')
  })
})
