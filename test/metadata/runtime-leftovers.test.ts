/**
 * Run-time metadata leftovers (#16): a PATCH that changes nothing records nothing (no version, no
 * audit entry), and a plugin entity's actions serve its customized definition at once (PGlite;
 * PostgreSQL with DATABASE_URL).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { definePlugin } from '@plume/core'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { client, created, loopFixture, type Api, type LoopFixture } from '../orders/fixtures.js'
import { signedInSocket, type Inbox } from '../api/sockets.js'
import { withProperties } from './helpers.js'

/** An action on `warehouse` (inventory's entity) that answers the definition it was handed. */
const probe = definePlugin({
  name: 'meta-probe',
  version: '1.0.0',
  actions: {
    warehouse: {
      describe: {
        async handler(id, _data, { entity, record }) {
          return { id, fields: Object.keys(entity.fields), record }
        },
      },
    },
  },
})

let p: TestPlatform
let f: LoopFixture
let admin: Api
let inbox: Inbox

beforeAll(async () => {
  p = await startTestPlatform({ demo: false, plugins: [probe] })
  f = await loopFixture(p, 'ML')
  admin = client(p, f.token)
  inbox = await signedInSocket(p, p.adminEmail, p.adminPassword)
}, 400_000)
afterAll(async () => {
  inbox?.close()
  await p?.close()
})

const label = (en: string, zh: string) => ({ en, 'zh-CN': zh })
const countOf = async (sql: string, bindings: string[]) =>
  Number(((await p.db.knex.raw(sql, bindings)) as { rows: Array<{ n: unknown }> }).rows[0]!.n)
const auditEntries = (name: string) =>
  countOf(`select count(*) as n from plume_audit where entity = 'entityDefinition' and record_id = ?`, [name])
const versions = async (name: string) =>
  (await admin('GET', `/api/entity-definitions/${name}/versions`)).body as unknown[]
const definitionOf = async (name: string) =>
  structuredClone((await admin('GET', `/api/entity-definitions/${name}`)).body.definition) as Record<
    string,
    unknown
  >

describe('a PATCH that changes nothing', { timeout: 400_000 }, () => {
  it('on an uncustomized plugin entity: no version, no audit entry, nothing stored', async () => {
    const before = { versions: (await versions('warehouse')).length, audit: await auditEntries('warehouse') }
    const r = await admin('PATCH', '/api/entity-definitions/warehouse', {
      definition: await definitionOf('warehouse'),
    })
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    expect(r.body.statements).toEqual([])
    expect(r.body.version).toBe(r.body.fromVersion)
    expect((await versions('warehouse')).length).toBe(before.versions)
    expect(await auditEntries('warehouse')).toBe(before.audit)
    expect((await admin('GET', '/api/entity-definitions/warehouse')).body.customized).toBe(false)
  })

  it('on a customized entity, sent again as it is: no new version, no audit entry', async () => {
    const def = withProperties(await definitionOf('product'), {
      shelf: { type: ['string', 'null'], maxLength: 20, 'x-ui': { label: label('Shelf', '货架') } },
    })
    const first = await admin('PATCH', '/api/entity-definitions/product', { definition: def })
    expect(first.status, JSON.stringify(first.body)).toBe(200)
    expect(first.body.added).toEqual(['shelf'])
    const before = { versions: (await versions('product')).length, audit: await auditEntries('product') }
    const again = await admin('PATCH', '/api/entity-definitions/product', {
      definition: await definitionOf('product'),
    })
    expect(again.status, JSON.stringify(again.body)).toBe(200)
    expect(again.body.version).toBe(first.body.version)
    expect((await versions('product')).length).toBe(before.versions)
    expect(await auditEntries('product')).toBe(before.audit)
  })

  it('an empty body is refused (400 naming /definition), recording nothing', async () => {
    const before = (await versions('warehouse')).length
    const r = await admin('PATCH', '/api/entity-definitions/warehouse', {})
    expect(r.status).toBe(400)
    expect(JSON.stringify(r.body.errors)).toMatch(/\/definition/)
    expect((await versions('warehouse')).length).toBe(before)
  })
})

describe('actions of a customized plugin entity', { timeout: 400_000 }, () => {
  it('are handed the definition in effect, not the one they were mounted with', async () => {
    const def = withProperties(await definitionOf('warehouse'), {
      dock: { type: ['string', 'null'], maxLength: 20, 'x-ui': { label: label('Dock', '码头') } },
    })
    const r = await admin('PATCH', '/api/entity-definitions/warehouse', { definition: def })
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    expect(r.body.added).toEqual(['dock'])
    const w = await admin('POST', '/api/warehouses', { code: 'WH-DOCK', name: 'Docked', dock: 'D7' })
    expect(w.status, JSON.stringify(w.body)).toBe(201)
    const out = await admin('POST', `/api/warehouses/${w.body.id}/describe`, {})
    expect(out.status, JSON.stringify(out.body)).toBe(201)
    expect(out.body.fields).toContain('dock')
    expect(out.body.record.dock).toBe('D7')
  })

  it('return and announce the field added at run time', async () => {
    const def = withProperties(await definitionOf('order'), {
      priority: {
        type: ['integer', 'null'],
        minimum: 0,
        maximum: 5,
        'x-ui': { label: label('Priority', '优先级') },
      },
    })
    const r = await admin('PATCH', '/api/entity-definitions/order', { definition: def })
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    expect(r.body.added).toEqual(['priority'])
    const id = await created(admin, '/api/orders', {
      customerId: f.customerId,
      warehouseId: f.warehouseId,
      priority: 4,
      lines: [{ productId: f.products.widget, quantity: 1 }],
    })
    const submitted = await admin('POST', `/api/orders/${id}/submit`, {})
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201)
    expect(submitted.body).toMatchObject({ status: 'submitted', priority: 4 })
    const event = await inbox.until('api/orders patched', (d) => d.id === id && d.status === 'submitted')
    expect(event.priority).toBe(4)
  })
})
