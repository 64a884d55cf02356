/**
 * Customizing a file-made entity (kept across a restart), and metadata as code: snapshot → diff
 * (empty) → apply (idempotent), through the API and through the CLI command. PGlite (a data
 * folder of its own) or PostgreSQL with DATABASE_URL.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, testDatabase, type TestPlatform } from '@plume/core/testing'
import type { DatabaseOptions } from '@plume/core/internal'
import { metadataCli } from '../../core/src/cli/metadata-command.js'
import { PLUGINS, withProperties } from './helpers.js'

const label = (en: string, zh: string) => ({ en, 'zh-CN': zh })
let database: DatabaseOptions
let dropDatabase = async () => {}
let dataDir: string | undefined
let p: TestPlatform
let token: string
const snapDir = mkdtempSync(join(tmpdir(), 'plume-snap-'))

const memo = {
  type: 'object',
  'x-entity': { name: 'memo', plural: 'memos', table: 'memos', domain: 'crm' },
  properties: { body: { type: 'string', maxLength: 500, 'x-ui': { label: label('Body', '内容') } } },
  required: ['body'],
  additionalProperties: false,
  'x-ui': { label: label('Memo', '备忘') },
}

beforeAll(async () => {
  process.env.PLUME_PLUGINS ??= PLUGINS
  if (process.env.DATABASE_URL) {
    const t = await testDatabase()
    database = t.options
    dropDatabase = t.drop
  } else {
    dataDir = mkdtempSync(join(tmpdir(), 'plume-meta-'))
    database = { dataDir }
  }
  p = await startTestPlatform({ database })
  token = await p.login()
}, 240_000)
afterAll(async () => {
  await p?.close()
  await dropDatabase()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  rmSync(snapDir, { recursive: true, force: true })
})

describe('customizing a file-made entity', { timeout: 300_000 }, () => {
  it('adds a field and relabels a file field; the file stays the same, the customization is stored apart', async () => {
    const got = await p.http('GET', '/api/entity-definitions/customer', undefined, token)
    expect(got.status).toBe(200)
    expect(got.body.ownership.kind).not.toBe('custom')
    const def = structuredClone(got.body.definition) as Record<string, unknown>
    const props = def.properties as Record<string, Record<string, unknown>>
    props.name = {
      ...props.name,
      'x-ui': { ...(props.name!['x-ui'] as object), label: label('Company name', '公司名称') },
    }
    const next = withProperties(def, {
      vipLevel: {
        type: ['integer', 'null'],
        minimum: 0,
        maximum: 5,
        'x-ui': { label: label('VIP level', '贵宾等级') },
      },
    })
    const r = await p.http('PATCH', '/api/entity-definitions/customer', { definition: next }, token)
    expect(r.status).toBe(200)
    expect(r.body.added).toEqual(['vipLevel'])
    const after = await p.http('GET', '/api/entity-definitions/customer', undefined, token)
    expect(after.body.customized).toBe(true)
    expect(after.body.customization.properties.vipLevel).toBeDefined()
    expect(after.body.customization.fieldUi.name.label.en).toBe('Company name')
    expect(after.body.file.properties.vipLevel).toBeUndefined()
    const c = await p.http('POST', '/api/customers', { code: 'V-1', name: 'Vip Co', vipLevel: 3 }, token)
    expect(c.status).toBe(201)
    expect(
      (await p.http('POST', '/api/customers', { code: 'V-2', name: 'Bad', vipLevel: 9 }, token)).status,
    ).toBe(400)
    const meta = await p.http('GET', '/api/meta', undefined, token)
    expect(
      meta.body.entities.find((e: { name: string }) => e.name === 'customer').fields.name.ui.label.en,
    ).toBe('Company name')
  })

  it('refuses to remove or change a field the file defines (400 naming the path)', async () => {
    const def = (await p.http('GET', '/api/entity-definitions/customer', undefined, token)).body
      .definition as Record<string, unknown>
    const removed = withProperties(def, { name: null })
    const r1 = await p.http('PATCH', '/api/entity-definitions/customer', { definition: removed }, token)
    expect(r1.status).toBe(400)
    expect(r1.body.errors[0].path).toBe('/properties/name')
    const props = def.properties as Record<string, Record<string, unknown>>
    const retyped = withProperties(def, { name: { ...props.name, maxLength: 10 } })
    const r2 = await p.http('PATCH', '/api/entity-definitions/customer', { definition: retyped }, token)
    expect(r2.status).toBe(400)
    expect(r2.body.errors[0]).toMatchObject({ path: '/properties/name' })
    expect((await p.http('DELETE', '/api/entity-definitions/user', undefined, token)).status).toBe(400)
  })
})

describe('snapshot, diff, apply', { timeout: 300_000 }, () => {
  it('a snapshot diffs empty against its own database, and applying it changes nothing', async () => {
    expect((await p.http('POST', '/api/entity-definitions', { definition: memo }, token)).status).toBe(201)
    const snap = (await p.http('GET', '/api/metadata/snapshot', undefined, token)).body
    expect(Object.keys(snap.custom)).toEqual(['memo'])
    expect(Object.keys(snap.customizations)).toEqual(['customer'])
    expect(snap.files.customer).toBeDefined()
    const diff = await p.http('POST', '/api/metadata/diff', { snapshot: snap }, token)
    expect(diff.status).toBe(201)
    expect(diff.body).toMatchObject({ empty: true, changes: [] })
    const apply = await p.http('POST', '/api/metadata/apply', { snapshot: snap }, token)
    expect(apply.body).toMatchObject({ empty: true, changes: [] })
  })

  it('brings a database back to a snapshot in one apply; the second diff and apply are empty', async () => {
    const snap = (await p.http('GET', '/api/metadata/snapshot', undefined, token)).body
    const changed = withProperties(memo, {
      pinned: { type: ['boolean', 'null'], 'x-ui': { label: label('Pinned', '置顶') } },
    })
    expect(
      (await p.http('PATCH', '/api/entity-definitions/memo', { definition: changed }, token)).status,
    ).toBe(200)
    expect((await p.http('POST', '/api/memos', { body: 'hello', pinned: true }, token)).status).toBe(201)
    const diff = await p.http('POST', '/api/metadata/diff', { snapshot: snap }, token)
    expect(diff.body.empty).toBe(false)
    expect(diff.body.changes).toEqual([
      expect.objectContaining({
        entity: 'memo',
        kind: 'change',
        plan: expect.objectContaining({ confirmRequired: ['drop-column:pinned'] }),
      }),
    ])
    const refused = await p.http('POST', '/api/metadata/apply', { snapshot: snap }, token)
    expect(refused.status).toBe(400)
    const applied = await p.http(
      'POST',
      '/api/metadata/apply',
      { snapshot: snap, confirm: ['memo:drop-column:pinned'] },
      token,
    )
    expect(applied.status).toBe(201)
    expect(applied.body.changes).toHaveLength(1)
    expect((await p.http('POST', '/api/metadata/diff', { snapshot: snap }, token)).body.empty).toBe(true)
    expect((await p.http('POST', '/api/metadata/apply', { snapshot: snap }, token)).body.changes).toEqual([])
    expect((await p.http('POST', '/api/memos', { body: 'x', pinned: true }, token)).status).toBe(400)
  })

  it('creates and removes custom entities that refer to each other in their order', async () => {
    const before = (await p.http('GET', '/api/metadata/snapshot', undefined, token)).body
    // "attachment" sorts before "memo" and refers to it
    const attachment = {
      type: 'object',
      'x-entity': { name: 'attachment', plural: 'attachments', table: 'attachments', domain: 'crm' },
      properties: {
        memoId: {
          type: 'integer',
          'x-ref': { entity: 'memo', onDelete: 'cascade' },
          'x-ui': { label: label('Memo', '备忘') },
        },
        file: { type: 'string', maxLength: 200, 'x-ui': { label: label('File', '文件') } },
      },
      required: ['memoId', 'file'],
      additionalProperties: false,
      'x-ui': { label: label('Attachment', '附件') },
    }
    expect((await p.http('POST', '/api/entity-definitions', { definition: attachment }, token)).status).toBe(
      201,
    )
    const both = (await p.http('GET', '/api/metadata/snapshot', undefined, token)).body
    const none = { ...both, custom: {} }
    const removed = await p.http('POST', '/api/metadata/apply', { snapshot: none }, token)
    expect(removed.status).toBe(201)
    expect(
      removed.body.changes.map((c: { entity: string; kind: string }) => `${c.kind}:${c.entity}`),
    ).toEqual(['remove:attachment', 'remove:memo'])
    expect((await p.http('GET', '/api/memos', undefined, token)).status).toBe(404)
    const restored = await p.http('POST', '/api/metadata/apply', { snapshot: both }, token)
    expect(restored.status).toBe(201)
    expect(
      restored.body.changes.map((c: { entity: string; kind: string }) => `${c.kind}:${c.entity}`),
    ).toEqual(['create:memo', 'create:attachment'])
    const memo = await p.http('GET', '/api/memos', undefined, token)
    expect(memo.body.total).toBeGreaterThanOrEqual(1)
    expect(
      (await p.http('POST', '/api/attachments', { memoId: memo.body.data[0].id, file: 'a.pdf' }, token))
        .status,
    ).toBe(201)
    expect((await p.http('POST', '/api/metadata/diff', { snapshot: both }, token)).body.empty).toBe(true)
    expect((await p.http('POST', '/api/metadata/apply', { snapshot: before }, token)).status).toBe(201)
    expect((await p.http('POST', '/api/metadata/diff', { snapshot: before }, token)).body.empty).toBe(true)
  })

  it('is for administrators only', async () => {
    expect((await p.http('GET', '/api/metadata/snapshot')).status).toBe(401)
    await p.app.service('api/users').create({
      email: 'rep@test.local',
      name: 'Rep',
      password: 'rep-Secret-123',
      roles: ['sales_rep'],
      locale: 'en',
      active: true,
    })
    const rep = await p.login('rep@test.local', 'rep-Secret-123')
    expect((await p.http('GET', '/api/metadata/snapshot', undefined, rep)).status).toBe(403)
    expect(
      (await p.http('POST', '/api/metadata/apply', { snapshot: { format: 'plume-metadata/1' } }, rep)).status,
    ).toBe(403)
  })
})

describe('after a restart', { timeout: 300_000 }, () => {
  it('keeps the customization and the custom entity; the CLI writes, diffs and applies snapshots', async () => {
    await p.close()
    p = await startTestPlatform({ database })
    token = await p.login()
    const customer = await p.http('GET', '/api/entity-definitions/customer', undefined, token)
    expect(customer.body.customized).toBe(true)
    expect(customer.body.definition.properties.vipLevel).toBeDefined()
    const got = await p.http('GET', '/api/customers?code=V-1', undefined, token)
    expect(got.body.data[0].vipLevel).toBe(3)
    expect((await p.http('GET', '/api/memos', undefined, token)).status).toBe(200)
    await p.close()

    const env = {
      ...process.env,
      ...(database.url ? { DATABASE_URL: database.url } : { PLUME_DATA_DIR: database.dataDir }),
      LOG_LEVEL: 'silent',
    }
    const lines: string[] = []
    expect(await metadataCli(['metadata', 'snapshot', '--dir', snapDir], env, (s) => lines.push(s))).toBe(0)
    expect(readdirSync(join(snapDir, 'custom'))).toEqual(['memo.json'])
    expect(readdirSync(join(snapDir, 'customizations'))).toEqual(['customer.json'])
    expect(await metadataCli(['metadata', 'diff', '--dir', snapDir], env, (s) => lines.push(s))).toBe(0)
    rmSync(join(snapDir, 'custom', 'memo.json'))
    expect(await metadataCli(['metadata', 'diff', '--dir', snapDir], env, (s) => lines.push(s))).toBe(3)
    expect(lines.at(-1)).toContain('"kind": "remove"')
    expect(await metadataCli(['metadata', 'apply', '--dir', snapDir], env, (s) => lines.push(s))).toBe(0)
    expect(await metadataCli(['metadata', 'diff', '--dir', snapDir], env, (s) => lines.push(s))).toBe(0)
    p = await startTestPlatform({ database })
    token = await p.login()
    expect((await p.http('GET', '/api/memos', undefined, token)).status).toBe(404)
  }, 600_000)
})
