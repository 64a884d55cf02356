import { randomBytes } from 'node:crypto'
import { io, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bulkWrite, withCommitEvents, type BulkOutcome, type EntityParams, type Row } from '@plume/core'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { firings, rule } from '../automation/helpers.js'
import { leadDefinition } from '../metadata/helpers.js'
import { count, run, upload } from './helpers.js'

/**
 * The import on the core's bulk write path (`bulkWrite`, core/src/service/bulk.ts), on a real
 * server and database with field encryption on: thousands of rows stored exactly as POST stores
 * them, all or nothing, upserts, the row scope of a partner user, the audit chain, the events of
 * a large write, rules on `created`, and an entity created at run time.
 */
let p: TestPlatform
let admin: string
let partnerA = 0
let partnerB = 0
const savedKeys = process.env.PLUME_ENCRYPTION_KEYS
const N = 5000

beforeAll(async () => {
  // email and phone of customers are sensitive: encrypted at rest with a key configured
  process.env.PLUME_ENCRYPTION_KEYS = `k1:${randomBytes(32).toString('base64')}`
  p = await startTestPlatform()
  admin = await p.login()
  const tier = (await p.app
    .service('api/partner-tiers')
    .create({ code: 'T1', name: 'Gold', rank: 1, discountPercent: 5 })) as { id: number }
  const partner = async (code: string, kind: string) =>
    (
      (await p.app
        .service('api/partners')
        .create({ code, name: `Partner ${code}`, kind, tierId: tier.id, creditLimit: '1000.00' })) as {
        id: number
      }
    ).id
  partnerA = await partner('PA', 'distributor')
  partnerB = await partner('PB', 'reseller')
}, 400_000)
afterAll(async () => {
  await p?.close()
  if (savedKeys === undefined) delete process.env.PLUME_ENCRYPTION_KEYS
  else process.env.PLUME_ENCRYPTION_KEYS = savedKeys
})

const HEADER =
  'code,name,email,phone,Serving partner,creditLimit,billingAddress.city,billingAddress.line1,billingAddress.country'
/** Row `i` of a customer file: codes in lower case and e-mails in mixed case, as the hooks normalise them. */
const line = (prefix: string, i: number) =>
  `${prefix}-${i},Bulk ${i},B${i}@Example.com,+86 ${i},PA,${i}.50,City ${i},Street ${i},CN`
const customersCsv = (prefix: string, n: number, change: Record<number, string> = {}) =>
  [HEADER, ...Array.from({ length: n }, (_, k) => change[k + 1] ?? line(prefix, k + 1))].join('\n')

/** A socket.io connection signed in as the admin, recording the customer events it receives. */
async function listen(): Promise<{
  socket: Socket
  events: string[]
  next(event: string): Promise<unknown>
}> {
  const socket = io(p.url, { transports: ['websocket'], forceNew: true })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('connect_error', reject)
  })
  await new Promise((resolve, reject) =>
    socket.emit(
      'create',
      'api/authentication',
      { strategy: 'local', email: p.adminEmail, password: p.adminPassword },
      (err: unknown, res: unknown) => (err ? reject(new Error(JSON.stringify(err))) : resolve(res)),
    ),
  )
  const events: string[] = []
  for (const e of ['created', 'patched', 'imported']) socket.on(`api/customers ${e}`, () => events.push(e))
  return {
    socket,
    events,
    next: (event) => new Promise((resolve) => socket.once(`api/customers ${event}`, resolve)),
  }
}

/** A stored customer as the service reads it (decrypted), without what differs between two records. */
const comparable = async (code: string) => {
  const row = (await p.db.knex('customers').where({ code }).first('id')) as { id: number }
  const {
    id: _id,
    code: _code,
    createdAt: _c,
    updatedAt: _u,
    ...rest
  } = (await p.app.service('api/customers').get(row.id)) as Row
  return rest
}

describe('import on the bulk write path', () => {
  it(`stores ${N} rows exactly as POST stores them (normalised, defaults, encrypted); one imported event; the audit chain verifies`, async () => {
    const { socket, events, next } = await listen()
    try {
      // below the threshold: one event per record
      const small = await upload(p, admin, 'customer', customersCsv('s', 3))
      const threeCreated = new Promise<void>((resolve) =>
        socket.on(
          'api/customers created',
          () => events.filter((e) => e === 'created').length === 3 && resolve(),
        ),
      )
      const smallDone = await run(p, admin, small.body.id, 'commit')
      expect(smallDone.errors).toEqual([])
      expect(smallDone.created).toBe(3)
      await threeCreated
      events.length = 0

      const before = await count(p, 'customers')
      const up = await upload(p, admin, 'customer', customersCsv('b', N), { partBytes: 200_000 })
      const imported = next('imported')
      const done = await run(p, admin, up.body.id, 'commit')
      expect([done.status, done.created, done.updated, done.errorCount]).toEqual(['done', N, 0, 0])
      expect(await count(p, 'customers')).toBe(before + N)
      expect(await imported).toEqual({ entity: 'customer', created: N, updated: 0 })
      // a later single write's event arrives after the import's: the import sent no per-record events
      const posted = next('created')
      for (const i of [1, 2500, N]) {
        const [code, name, email, phone, , creditLimit, city, line1, country] = line('p', i).split(',')
        const r = await p.http(
          'POST',
          '/api/customers',
          {
            code,
            name,
            email,
            phone,
            partnerId: partnerA,
            creditLimit,
            billingAddress: { city, line1, country },
          },
          admin,
        )
        expect(r.status).toBe(201)
      }
      await posted
      expect(events.filter((e) => e === 'imported')).toHaveLength(1)
      expect(events.filter((e) => e === 'created').length).toBeLessThanOrEqual(3)
      for (const i of [1, 2500, N]) {
        const imported = await comparable(`B-${i}`)
        expect(imported).toEqual(await comparable(`P-${i}`))
        expect(imported).toMatchObject({
          email: `b${i}@example.com`,
          type: 'company',
          status: 'active',
          paymentTermsDays: 30,
          partnerId: partnerA,
          billingAddress: { city: `City ${i}`, line1: `Street ${i}`, country: 'CN' },
        })
        const raw = (await p.db
          .knex('customers')
          .where({ code: `B-${i}` })
          .first('email')) as { email: string }
        expect(raw.email).toMatch(/^enc:v1:k1:/)
      }
      const entries = (await p.db.knex.raw(
        `select count(*) as n, count(distinct request_id) as requests from plume_audit where entity = 'customer' and action = 'create' and record_id in (select id::text from customers where code like 'B-%')`,
      )) as { rows: Array<{ n: unknown; requests: unknown }> }
      expect([Number(entries.rows[0]!.n), Number(entries.rows[0]!.requests)]).toEqual([N, 1])
      const verify = await p.http('GET', '/api/audit/verify', undefined, admin)
      expect([verify.status, verify.body.ok]).toEqual([200, true])
    } finally {
      socket.close()
    }
  })

  it('a retried file creates nothing twice: every row updates the record its code finds', async () => {
    const before = await count(p, 'customers')
    const up = await upload(
      p,
      admin,
      'customer',
      customersCsv('b', N, { 7: line('b', 7).replace('Bulk 7', 'Renamed 7') }),
      { partBytes: 200_000 },
    )
    const done = await run(p, admin, up.body.id, 'commit')
    expect(done.errors).toEqual([])
    expect([done.status, done.created, done.updated]).toEqual(['done', 0, N])
    expect(await count(p, 'customers')).toBe(before)
    expect(
      ((await p.db.knex('customers').where({ code: 'B-7' }).first('name')) as { name: string }).name,
    ).toBe('Renamed 7')
    expect((await p.http('GET', '/api/audit/verify', undefined, admin)).body.ok).toBe(true)
  })

  it('an upsert of 1,200 existing records issues one UPDATE and one locking SELECT per chunk, not one per row; audit keeps each row before', async () => {
    const M = 1200
    const rows = (await p.db
      .knex('customers')
      .where('code', 'like', 'B-%')
      .orderBy('id')
      .limit(M)
      .select('id', 'code', 'name', 'billingAddress')) as Array<{
      id: number
      code: string
      name: string
      billingAddress: unknown
    }>
    expect(rows).toHaveLength(M)
    const [user] = (await p.app
      .service('api/users')
      .find({ query: { email: p.adminEmail }, paginate: false } as EntityParams)) as Row[]
    const statements: string[] = []
    const listener = (q: { sql: string }) => statements.push(q.sql)
    p.db.knex.on('query', listener)
    let out: BulkOutcome | undefined
    try {
      await withCommitEvents(p.db.knex, async (trx) => {
        const params = { provider: 'rest', authenticated: true, user, transaction: trx } as EntityParams
        out = await bulkWrite(
          p.app,
          'api/customers',
          rows.map((r) => ({
            id: r.id,
            data: {
              name: `${r.name} v2`,
              billingAddress: { city: `Town ${r.id}`, line1: 'Road 1', country: 'CN' },
            },
          })),
          params,
        )
      })
    } finally {
      p.db.knex.off('query', listener)
    }
    expect([out!.updated, out!.failed]).toEqual([M, 0])
    const chunks = Math.ceil(M / 500)
    const on = (re: RegExp) => statements.filter((sql) => re.test(sql)).length
    expect(on(/^update "customers"/i)).toBeLessThanOrEqual(chunks)
    expect(on(/^select .* from "customers"/i)).toBeLessThanOrEqual(chunks)
    const last = rows[M - 1]!
    expect(await p.db.knex('customers').where({ id: last.id }).first('name', 'billingAddress')).toEqual({
      name: `${last.name} v2`,
      billingAddress: { city: `Town ${last.id}`, line1: 'Road 1', country: 'CN' },
    })
    const entry = (await p.db
      .knex('plume_audit')
      .where({ entity: 'customer', action: 'patch', record_id: String(last.id) })
      .orderBy('id', 'desc')
      .first('changes')) as { changes: Record<string, { before?: unknown; after?: unknown }> }
    expect(entry.changes.name).toEqual({ before: last.name, after: `${last.name} v2` })
    expect(entry.changes.billingAddress?.before).toEqual(last.billingAddress)
    expect((await p.http('GET', '/api/audit/verify', undefined, admin)).body.ok).toBe(true)
  })

  it('a row refused by the database at row 4,999 is named by the dry run and the commit writes nothing', async () => {
    const before = await count(p, 'customers')
    // `X-1` and `x-1` are two keys in the file but one code once normalised: the INSERT refuses it
    const up = await upload(p, admin, 'customer', customersCsv('x', N, { 4999: line('X', 1) }), {
      partBytes: 200_000,
    })
    const dry = await run(p, admin, up.body.id, 'dry-run')
    expect(dry.errors.map((e: { row: number }) => e.row)).toEqual([5000])
    const failed = await run(p, admin, up.body.id, 'commit')
    expect([failed.status, failed.created, failed.errors[0].row]).toEqual(['failed', 0, 5000])
    expect(await count(p, 'customers')).toBe(before)
    expect(await p.db.knex('customers').where('code', 'like', 'X-%').first()).toBeUndefined()
  })

  it('a partner user writes only rows of their own partner: another partner is refused per row (fail closed)', async () => {
    const made = (await p.app.service('api/users').create({
      email: 'bulk-pa@test.local',
      name: 'PA admin',
      password: 'Partner-Secret-1',
      roles: ['partner_admin'],
      partnerId: partnerA,
      active: true,
    })) as Row
    // the user as an import job knows its caller
    const user = (await p.app.service('api/users').get(made.id as number)) as Row
    let out: BulkOutcome | undefined
    await withCommitEvents(p.db.knex, async (trx) => {
      const params = { provider: 'rest', authenticated: true, user, transaction: trx } as EntityParams
      out = await bulkWrite(
        p.app,
        'api/customers',
        [
          { data: { code: 'PX-1', name: 'Theirs', partnerId: partnerB } },
          { data: { code: 'PX-2', name: 'Mine' } },
          { data: { code: 'PX-3', name: 'Mine too', partnerId: partnerA } },
        ],
        params,
      )
    })
    expect(out!.results.map((r) => (r && 'error' in r ? (r.error as { code?: number }).code : 'ok'))).toEqual(
      [403, 'ok', 'ok'],
    )
    const stored = (await p.db
      .knex('customers')
      .whereIn('code', ['PX-1', 'PX-2', 'PX-3'])
      .orderBy('code')
      .select('code', 'partnerId')) as Row[]
    expect(stored).toEqual([
      { code: 'PX-2', partnerId: partnerA },
      { code: 'PX-3', partnerId: partnerA },
    ])
  })

  it('an entity created at run time through api/entity-definitions imports, its relation by customer code', async () => {
    const created = await p.http('POST', '/api/entity-definitions', { definition: leadDefinition() }, admin)
    expect(created.status).toBe(201)
    const up = await upload(
      p,
      admin,
      'lead',
      ['title,phone,customerId', 'First lead,+86 1,B-1', 'Second lead,,B-2'].join('\n'),
    )
    const done = await run(p, admin, up.body.id, 'commit')
    expect([done.status, done.created]).toEqual(['done', 2])
    const ids = Object.fromEntries(
      (
        (await p.db.knex('customers').whereIn('code', ['B-1', 'B-2']).select('code', 'id')) as Array<{
          code: string
          id: number
        }>
      ).map((c) => [c.code, c.id]),
    )
    expect(await p.db.knex('leads').orderBy('id').select('title', 'customerId')).toEqual([
      { title: 'First lead', customerId: ids['B-1'] },
      { title: 'Second lead', customerId: ids['B-2'] },
    ])
  })

  it('rules on `created` fire once per imported record, as for records created one by one', async () => {
    const def = {
      name: 'bulk-customer-created',
      trigger: { type: 'event', entity: 'customer', on: 'created' },
      conditions: { all: [] },
      actions: [{ type: 'notify', roles: ['admin'], title: 'New customer {{record.code}}' }],
    }
    await rule(p, admin, 'alert', def)
    const up = await upload(p, admin, 'customer', customersCsv('r', 4))
    expect((await run(p, admin, up.body.id, 'commit')).created).toBe(4)
    expect((await firings(p, 'bulk-customer-created')).length).toBe(4)
  })
})
