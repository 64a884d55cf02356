/**
 * Run-time metadata over HTTP (#16): a custom entity with a relation to `customer`, records
 * written, a field added, renamed (100,000 rows), retyped (safe and unsafe, with the dry-run
 * count), the preview ↔ apply hash guard, destructive steps confirmed by name, and rollback.
 * Runs on PGlite, and on PostgreSQL with DATABASE_URL.
 */
import { io } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { leadDefinition, PLUGINS, previewApply, withProperties } from './helpers.js'

let p: TestPlatform
let token: string
let def = leadDefinition()
const label = (en: string, zh: string) => ({ en, 'zh-CN': zh })

beforeAll(async () => {
  // `customer` and the plugins it needs; the other plugins play no part here
  process.env.PLUME_PLUGINS ??= PLUGINS
  p = await startTestPlatform()
  token = await p.login()
}, 240_000)
afterAll(async () => p?.close())

const count = async (sql: string): Promise<number> => {
  const r = (await p.db.knex.raw(sql)) as { rows: Array<{ n: unknown }> }
  return Number(r.rows[0]?.n ?? 0)
}

describe('creating a custom entity', { timeout: 300_000 }, () => {
  it('refuses bad definitions with 400 naming the JSON path, as for files', async () => {
    const money = withProperties(leadDefinition(), {
      budget: { type: 'number', 'x-type': 'money', 'x-ui': { label: label('Budget', '预算') } },
    })
    const r1 = await p.http('POST', '/api/entity-definitions', { definition: money }, token)
    expect(r1.status).toBe(400)
    expect(r1.body.errors).toContainEqual(expect.objectContaining({ path: '/properties/budget/type' }))
    expect(JSON.stringify(r1.body)).not.toMatch(/select|stack|node_modules/i)

    const missing = withProperties(leadDefinition(), {
      dealId: {
        type: ['integer', 'null'],
        'x-ref': { entity: 'noSuchThing' },
        'x-ui': { label: label('Deal', '交易') },
      },
    })
    const r2 = await p.http('POST', '/api/entity-definitions', { definition: missing }, token)
    expect(r2.status).toBe(400)
    expect(r2.body.errors).toContainEqual({
      path: '/properties/dealId/x-ref/entity',
      message: 'x-ref names unknown entity "noSuchThing"',
    })

    const reserved = {
      ...leadDefinition(),
      'x-entity': { name: 'plugin', plural: 'plugin-things', table: 'plugin_things', domain: 'crm' },
    }
    const r3 = await p.http('POST', '/api/entity-definitions', { definition: reserved }, token)
    expect(r3.status).toBe(400)
    expect(r3.body.errors[0].path).toBe('/x-entity/name')

    const route = {
      ...leadDefinition(),
      'x-entity': { name: 'ruleBook', plural: 'rules', table: 'rule_books', domain: 'crm' },
    }
    const r4 = await p.http('POST', '/api/entity-definitions', { definition: route }, token)
    expect(r4.status).toBe(400)
    expect(r4.body.errors[0]).toEqual({
      path: '/x-entity/plural',
      message: 'the route /api/rules is already served',
    })

    const clash = {
      ...leadDefinition(),
      'x-entity': { name: 'client', plural: 'customers', table: 'clients', domain: 'crm' },
    }
    const r5 = await p.http('POST', '/api/entity-definitions', { definition: clash }, token)
    expect(r5.status).toBe(400)
    expect(r5.body.errors[0].path).toBe('/x-entity/plural')
    expect(await count(`select count(*) as n from plume_entity_definitions`)).toBe(0)
  })

  it('is for administrators only', async () => {
    await p.app.service('api/users').create({
      email: 'rep@test.local',
      name: 'Rep',
      password: 'rep-Secret-123',
      roles: ['sales_rep'],
      locale: 'en',
      active: true,
    })
    const rep = await p.login('rep@test.local', 'rep-Secret-123')
    expect((await p.http('GET', '/api/entity-definitions', undefined, rep)).status).toBe(403)
    expect(
      (await p.http('POST', '/api/entity-definitions', { definition: leadDefinition() }, rep)).status,
    ).toBe(403)
    expect(
      (await p.http('POST', '/api/entity-definitions/lead/preview', { definition: leadDefinition() }, rep))
        .status,
    ).toBe(403)
    expect((await p.http('GET', '/api/entity-definitions')).status).toBe(401)
  })

  it('creates the table, serves REST, OpenAPI and api/meta at once, audited', async () => {
    const r = await p.http('POST', '/api/entity-definitions', { definition: def }, token)
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({
      entity: 'lead',
      version: 1,
      added: ['title', 'phone', 'score', 'customerId'],
    })
    const customer = await p.app.service('api/customers').create({ code: 'C-1', name: 'Acme' })
    const lead = await p.http(
      'POST',
      '/api/leads',
      { title: 'First', phone: '555-1', customerId: customer.id },
      token,
    )
    expect(lead.status).toBe(201)
    expect((await p.http('POST', '/api/leads', { title: 'x', nope: 1 }, token)).status).toBe(400)
    expect(
      (await p.http('POST', '/api/leads', { title: 'x', customerId: 999999 }, token)).status,
    ).toBeGreaterThanOrEqual(400)
    const doc = await p.http('GET', '/api/openapi.json')
    expect(doc.body.paths['/api/leads']).toBeDefined()
    const meta = await p.http('GET', '/api/meta', undefined, token)
    expect(meta.body.entities.some((e: { name: string }) => e.name === 'lead')).toBe(true)
    const list = await p.http('GET', '/api/entity-definitions', undefined, token)
    const own = Object.fromEntries(
      list.body.map((d: { name: string; ownership: { kind: string } }) => [d.name, d.ownership.kind]),
    )
    expect(own).toMatchObject({ lead: 'custom', user: 'core' })
    expect(Object.values(own)).toContain('plugin')
    expect(
      await count(
        `select count(*) as n from plume_audit where entity = 'entityDefinition' and record_id = 'lead'`,
      ),
    ).toBeGreaterThanOrEqual(1)
  })

  it('is for admins only until a permission rule grants more', async () => {
    const rep = await p.login('rep@test.local', 'rep-Secret-123')
    expect((await p.http('GET', '/api/leads', undefined, rep)).status).toBe(403)
    const rule = {
      name: 'reps-read-leads',
      effect: 'allow',
      entities: ['lead'],
      actions: ['find'],
      conditions: { all: [{ fact: 'user', path: '$.roles', operator: 'contains', value: 'sales_rep' }] },
    }
    expect((await p.http('POST', '/api/rules', { definition: rule }, token)).status).toBe(201)
    expect((await p.http('GET', '/api/leads', undefined, rep)).status).toBe(200)
    expect((await p.http('POST', '/api/leads', { title: 'by rep' }, rep)).status).toBe(403)
  })
})

describe('changing it: preview and apply', { timeout: 300_000 }, () => {
  it('adds a field: the preview plans it, apply serves it live (REST, validation, OpenAPI, api/meta)', async () => {
    def = withProperties(def, {
      source: { type: ['string', 'null'], enum: ['web', 'fair'], 'x-ui': { label: label('Source', '来源') } },
    })
    const { preview, apply } = await previewApply(p, token, 'lead', { definition: def })
    expect(preview.status).toBe(201)
    expect(preview.body).toMatchObject({
      added: ['source'],
      dropped: [],
      destructive: [],
      confirmRequired: [],
    })
    expect(preview.body.statements[0]).toMatch(/^alter table "leads" add column "source"/)
    expect(apply.status).toBe(201)
    expect(apply.body.version).toBe(2)
    const ok = await p.http('POST', '/api/leads', { title: 'Second', source: 'web' }, token)
    expect(ok.status).toBe(201)
    expect(ok.body.source).toBe('web')
    const bad = await p.http('POST', '/api/leads', { title: 'Third', source: 'tv' }, token)
    expect(bad.status).toBe(400)
    expect(bad.body.errors[0].path).toBe('/source')
    const doc = await p.http('GET', '/api/openapi.json')
    expect(JSON.stringify(doc.body)).toContain('"source"')
    const meta = await p.http('GET', '/api/meta', undefined, token)
    expect(meta.body.entities.find((e: { name: string }) => e.name === 'lead').fields.source).toBeDefined()
  })

  it('sends realtime events of the custom entity, with the new field, to a socket.io client', async () => {
    const socket = io(p.url, { transports: ['websocket'], forceNew: true })
    try {
      await new Promise<void>((resolve) => socket.on('connect', () => resolve()))
      await new Promise((resolve, reject) =>
        socket.emit(
          'create',
          'api/authentication',
          { strategy: 'local', email: p.adminEmail, password: p.adminPassword },
          (err: unknown, data: unknown) => (err ? reject(err) : resolve(data)),
        ),
      )
      const created = new Promise<{ title: string; source: string }>((resolve) =>
        socket.once('api/leads created', resolve),
      )
      expect((await p.http('POST', '/api/leads', { title: 'Live', source: 'fair' }, token)).status).toBe(201)
      expect(await created).toMatchObject({ title: 'Live', source: 'fair' })
    } finally {
      socket.close()
    }
  })

  it('refuses an apply whose preview is stale (409) and applies nothing', async () => {
    const next = withProperties(def, {
      notes: { type: ['string', 'null'], 'x-type': 'text', 'x-ui': { label: label('Notes', '备注') } },
    })
    const preview = await p.http('POST', '/api/entity-definitions/lead/preview', { definition: next }, token)
    // someone else changes the entity in between
    def = withProperties(def, {
      rating: { type: ['integer', 'null'], 'x-ui': { label: label('Rating', '等级') } },
    })
    expect((await p.http('PATCH', '/api/entity-definitions/lead', { definition: def }, token)).status).toBe(
      200,
    )
    const stale = await p.http(
      'POST',
      '/api/entity-definitions/lead/apply',
      { definition: next, hash: preview.body.hash },
      token,
    )
    expect(stale.status).toBe(409)
    expect(stale.body.data.reason).toBe('stale-preview')
    const zh = await p.http(
      'POST',
      '/api/entity-definitions/lead/apply',
      { definition: next, hash: preview.body.hash },
      token,
      { 'accept-language': 'zh-CN' },
    )
    expect(zh.status).toBe(409)
    expect(zh.body.message).toBe('预览之后数据库结构或定义已变更：请重新预览，再应用新的计划')
    expect(
      await count(
        `select count(*) as n from information_schema.columns where table_name = 'leads' and column_name = 'notes'`,
      ),
    ).toBe(0)
  })

  it('renames a field with ALTER … RENAME: 100,000 values kept', async () => {
    await p.db.knex.raw(
      `insert into leads ("title", "phone", "score") select 'bulk ' || g, 'p' || g, (g % 90)::text from generate_series(1, 100000) as g`,
    )
    def = withProperties(def, {
      phone: null,
      mobile: { type: ['string', 'null'], maxLength: 40, 'x-ui': { label: label('Mobile', '手机') } },
    })
    const { preview, apply } = await previewApply(p, token, 'lead', {
      definition: def,
      renames: { phone: 'mobile' },
    })
    expect(preview.body.renamed).toEqual([{ from: 'phone', to: 'mobile' }])
    expect(preview.body).toMatchObject({ added: [], dropped: [], destructive: [] })
    expect(preview.body.statements).toEqual(['alter table "leads" rename column "phone" to "mobile"'])
    expect(apply.status).toBe(201)
    expect(await count(`select count(*) as n from leads where "mobile" = 'p' || substr(title, 6)`)).toBe(
      100000,
    )
    const got = await p.http('GET', '/api/leads?title=First', undefined, token)
    expect(got.body.data[0].mobile).toBe('555-1')
  })

  it('widens a type without confirmation; converts text to integer only after the dry-run count and a confirmation', async () => {
    def = withProperties(def, {
      mobile: { type: ['string', 'null'], 'x-type': 'text', 'x-ui': { label: label('Mobile', '手机') } },
    })
    const widen = await previewApply(p, token, 'lead', { definition: def })
    expect(widen.preview.body.retyped).toEqual([
      expect.objectContaining({ field: 'mobile', cast: 'widen', rowsFailing: 0 }),
    ])
    expect(widen.apply.status).toBe(201)

    await p.db.knex.raw(`update leads set score = 'high' where title in ('bulk 1', 'bulk 2')`)
    const toInt = withProperties(def, {
      score: { type: ['integer', 'null'], 'x-ui': { label: label('Score', '评分') } },
    })
    const blocked = await previewApply(p, token, 'lead', { definition: toInt }, [
      'retype:score',
      'incompatible-type:score',
    ])
    expect(blocked.preview.body.retyped[0]).toMatchObject({ field: 'score', cast: 'convert', rowsFailing: 2 })
    expect(blocked.preview.body.blocked[0].path).toBe('/properties/score/type')
    expect(blocked.apply.status).toBe(409)
    expect(blocked.apply.body.data.reason).toBe('blocked')

    await p.db.knex.raw(`update leads set score = '7' where score = 'high'`)
    const preview = await p.http('POST', '/api/entity-definitions/lead/preview', { definition: toInt }, token)
    expect(preview.body.retyped[0]).toMatchObject({ field: 'score', cast: 'convert', rowsFailing: 0 })
    expect(preview.body.confirmRequired).toContain('retype:score')
    const unconfirmed = await p.http(
      'POST',
      '/api/entity-definitions/lead/apply',
      { definition: toInt, hash: preview.body.hash },
      token,
    )
    expect(unconfirmed.status).toBe(400)
    expect(unconfirmed.body.errors[0].path).toBe('/confirm')
    const applied = await p.http(
      'POST',
      '/api/entity-definitions/lead/apply',
      { definition: toInt, hash: preview.body.hash, confirm: preview.body.confirmRequired },
      token,
    )
    expect(applied.status).toBe(201)
    def = toInt
    expect(await count(`select count(*) as n from leads where score = 7`)).toBeGreaterThan(1000)
    expect((await p.http('POST', '/api/leads', { title: 'typed', score: 'x' }, token)).status).toBe(400)
  })
})

describe('versions and rollback', { timeout: 300_000 }, () => {
  it('rolls back a type change (confirmed by name), then a rename and a widening: values restored', async () => {
    const v = await p.http('GET', '/api/entity-definitions/lead/versions', undefined, token)
    expect(v.body.map((x: { kind: string }) => x.kind)).toEqual([
      'create',
      'change',
      'change',
      'change',
      'change',
      'change',
    ])
    expect(v.body[3].reverse).toMatchObject({ renames: { mobile: 'phone' }, lossless: true })
    const retype = await p.http('POST', '/api/entity-definitions/lead/rollback', { version: 6 }, token)
    expect(retype.status).toBe(400)
    expect(retype.body.errors[0].message).toMatch(/retype:score/)
    const back = await p.http(
      'POST',
      '/api/entity-definitions/lead/rollback',
      { version: 6, confirm: ['retype:score'] },
      token,
    )
    expect(back.status).toBe(201)
    expect(await count(`select count(*) as n from leads where score = '7'`)).toBeGreaterThan(1000)
    const rename = await p.http(
      'POST',
      '/api/entity-definitions/lead/rollback',
      { version: 4, confirm: ['retype:phone'] },
      token,
    )
    expect(rename.status).toBe(201)
    expect(rename.body.renamed).toEqual([{ from: 'mobile', to: 'phone' }])
    expect(await count(`select count(*) as n from leads where "phone" = 'p' || substr(title, 6)`)).toBe(
      100000,
    )
    const got = await p.http('GET', '/api/leads?title=First', undefined, token)
    expect(got.body.data[0].phone).toBe('555-1')
    def = (await p.http('GET', '/api/entity-definitions/lead', undefined, token)).body.definition
    expect((def.properties as Record<string, unknown>).phone).toBeDefined()
  })

  it('rolls back an added field (its empty column dropped once confirmed)', async () => {
    def = withProperties(def, {
      extra: { type: ['string', 'null'], maxLength: 10, 'x-ui': { label: label('Extra', '附加') } },
    })
    expect((await p.http('PATCH', '/api/entity-definitions/lead', { definition: def }, token)).status).toBe(
      200,
    )
    const versions = (await p.http('GET', '/api/entity-definitions/lead/versions', undefined, token)).body
    const last = versions.at(-1).version
    const back = await p.http(
      'POST',
      '/api/entity-definitions/lead/rollback',
      { version: last, confirm: ['drop-column:extra'] },
      token,
    )
    expect(back.status).toBe(201)
    expect(
      await count(
        `select count(*) as n from information_schema.columns where table_name = 'leads' and column_name = 'extra'`,
      ),
    ).toBe(0)
    def = (await p.http('GET', '/api/entity-definitions/lead', undefined, token)).body.definition
  })

  it('refuses a destructive step unless the request names it; a rollback past it is refused with the reason', async () => {
    const dropped = withProperties(def, { source: null })
    const { preview, apply } = await previewApply(p, token, 'lead', { definition: dropped })
    expect(preview.body.dropped).toEqual([{ field: 'source', rowsWithValues: 2 }])
    expect(preview.body.confirmRequired).toEqual(['drop-column:source'])
    expect(preview.body.dataLost[0]).toMatch(/source/)
    expect(apply.status).toBe(400)
    expect(apply.body.errors[0].message).toMatch(/drop-column:source/)
    expect(
      await count(
        `select count(*) as n from information_schema.columns where table_name = 'leads' and column_name = 'source'`,
      ),
    ).toBe(1)
    const confirmed = await previewApply(p, token, 'lead', { definition: dropped }, ['drop-column:source'])
    expect(confirmed.apply.status).toBe(201)
    def = dropped
    const last = (await p.http('GET', '/api/entity-definitions/lead/versions', undefined, token)).body.at(-1)
    expect(last.reverse.lossless).toBe(false)
    const refused = await p.http(
      'POST',
      '/api/entity-definitions/lead/rollback',
      { version: last.version },
      token,
    )
    expect(refused.status).toBe(409)
    expect(refused.body.message).toMatch(/source/)
  })
})

describe('a failed apply', { timeout: 300_000 }, () => {
  it('leaves the schema and the definitions as before (fault injected mid-apply)', async () => {
    // a real fault inside the database: DDL adding a column named "boom" fails, after "alpha" was added
    await p.db.knex
      .raw(`create or replace function plume_test_fault() returns event_trigger language plpgsql as $body$
      begin if current_query() like '%"boom"%' then raise exception 'injected fault'; end if; end $body$`)
    await p.db.knex.raw(
      `create event trigger plume_test_fault on ddl_command_end execute function plume_test_fault()`,
    )
    try {
      const before = (await p.http('GET', '/api/entity-definitions/lead', undefined, token)).body
      const versions = (await p.http('GET', '/api/entity-definitions/lead/versions', undefined, token)).body
        .length
      const next = withProperties(def, {
        alpha: { type: ['integer', 'null'], 'x-ui': { label: label('Alpha', '甲') } },
        boom: { type: ['integer', 'null'], 'x-ui': { label: label('Boom', '乙') } },
      })
      const { preview, apply } = await previewApply(p, token, 'lead', { definition: next })
      expect(preview.body.statements.length).toBeGreaterThanOrEqual(2)
      expect(apply.status).toBeGreaterThanOrEqual(500)
      expect(JSON.stringify(apply.body)).not.toMatch(/injected|alter table/i)
      expect(
        await count(
          `select count(*) as n from information_schema.columns where table_name = 'leads' and column_name in ('alpha', 'boom')`,
        ),
      ).toBe(0)
      const after = (await p.http('GET', '/api/entity-definitions/lead', undefined, token)).body
      expect(after.definition).toEqual(before.definition)
      expect(
        (await p.http('GET', '/api/entity-definitions/lead/versions', undefined, token)).body.length,
      ).toBe(versions)
      expect((await p.http('POST', '/api/leads', { title: 'after fault', alpha: 1 }, token)).status).toBe(400)
    } finally {
      await p.db.knex.raw('drop event trigger if exists plume_test_fault')
    }
  })
})
