/**
 * Two Plume instances on one PostgreSQL database: a field added through one is served by the
 * other within 2 s (each polls the definitions' revision, PLUME_METADATA_SYNC_MS, default 500 ms).
 * PostgreSQL only (PGlite is one process's database).
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startTestPlatform, testDatabase, type TestPlatform } from '@plume/core/testing'
import { leadDefinition, PLUGINS, withProperties } from './helpers.js'

const pg = Boolean(process.env.DATABASE_URL)
let a: TestPlatform
let b: TestPlatform
let drop = async () => {}

beforeAll(async () => {
  if (!pg) return
  process.env.PLUME_PLUGINS ??= PLUGINS
  const t = await testDatabase()
  drop = t.drop
  a = await startTestPlatform({ database: t.options })
  b = await startTestPlatform({ database: t.options })
}, 300_000)
afterAll(async () => {
  await a?.close()
  await b?.close()
  await drop()
})

it.skipIf(!pg)(
  'the second instance serves a new entity and a new field within 2 s',
  { timeout: 300_000 },
  async () => {
    const ta = await a.login()
    const tb = await b.login()
    const rt = b.app.get('metadataRuntime')!
    const revision = async () =>
      Number(
        (
          (await a.db.knex.raw('select max(id) as r from plume_entity_versions')) as {
            rows: Array<{ r: unknown }>
          }
        ).rows[0]?.r,
      )
    /** Milliseconds from a's commit until b serves the new revision (b's poll and rebuild, measured in b's process). */
    const followed = async (): Promise<number> => {
      const target = await revision()
      const start = Date.now()
      while (rt.seen < target && Date.now() - start < 10_000) await new Promise((r) => setTimeout(r, 10))
      return Date.now() - start
    }
    expect(
      (await a.http('POST', '/api/entity-definitions', { definition: leadDefinition() }, ta)).status,
    ).toBe(201)
    expect(await followed()).toBeLessThanOrEqual(2000)
    expect((await b.http('POST', '/api/leads', { title: 'via b' }, tb)).status).toBe(201)
    const next = withProperties(leadDefinition(), {
      stage: { type: ['string', 'null'], maxLength: 20, 'x-ui': { label: { en: 'Stage', 'zh-CN': '阶段' } } },
    })
    expect((await a.http('PATCH', '/api/entity-definitions/lead', { definition: next }, ta)).status).toBe(200)
    expect(await followed()).toBeLessThanOrEqual(2000)
    expect((await b.http('POST', '/api/leads', { title: 'staged', stage: 'new' }, tb)).status).toBe(201)
    const doc = await b.http('GET', '/api/openapi.json')
    expect(JSON.stringify(doc.body)).toContain('"stage"')
    const meta = await b.http('GET', '/api/meta', undefined, tb)
    expect(meta.body.entities.find((e: { name: string }) => e.name === 'lead').fields.stage).toBeDefined()
  },
)
