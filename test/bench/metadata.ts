/**
 * Run-time metadata on a large table: a nullable field added through preview + apply to a
 * 1,000,000-row custom entity. The ADD COLUMN must not rewrite the table (same relfilenode
 * before and after) and takes milliseconds, whatever the row count; a rename is timed as well.
 * Run: npx tsx test/bench/metadata.ts   (PGlite), or with DATABASE_URL for PostgreSQL.
 */
import { performance } from 'node:perf_hooks'
import { startTestPlatform } from '@plume/core/testing'

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000)
process.env.PLUME_PLUGINS ??= 'inventory,partners,crm'
const p = await startTestPlatform()
const token = await p.login()
const label = (en: string, zh: string) => ({ en, 'zh-CN': zh })
const def = {
  type: 'object',
  'x-entity': { name: 'benchRow', plural: 'bench-rows', table: 'bench_rows', domain: 'bench' },
  properties: { code: { type: 'string', maxLength: 40, 'x-ui': { label: label('Code', '编码') } } },
  required: ['code'],
  additionalProperties: false,
  'x-ui': { label: label('Bench row', '测试行') },
}
const must = (r: { status: number; body: unknown }, what: string) => {
  if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`)
  return r.body as Record<string, unknown>
}
must(await p.http('POST', '/api/entity-definitions', { definition: def }, token), 'create')
const knex = p.db.knex
let t0 = performance.now()
await knex.raw(`insert into bench_rows ("code") select 'c' || g from generate_series(1, ${ROWS}) as g`)
console.log(
  `  seeded ${ROWS.toLocaleString('en')} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s (${p.kind})`,
)
const filenode = async () =>
  ((await knex.raw(`select pg_relation_filenode('bench_rows') as f`)) as { rows: Array<{ f: unknown }> })
    .rows[0]?.f

const withNote = {
  ...def,
  properties: {
    ...def.properties,
    note: { type: ['string', 'null'], maxLength: 200, 'x-ui': { label: label('Note', '备注') } },
  },
}
const before = await filenode()
t0 = performance.now()
const preview = must(
  await p.http('POST', '/api/entity-definitions/benchRow/preview', { definition: withNote }, token),
  'preview',
)
const tPreview = performance.now() - t0
t0 = performance.now()
must(
  await p.http(
    'POST',
    '/api/entity-definitions/benchRow/apply',
    { definition: withNote, hash: preview.hash },
    token,
  ),
  'apply',
)
const tApply = performance.now() - t0
const after = await filenode()
console.log(
  `  add nullable field: preview ${tPreview.toFixed(0)} ms, apply ${tApply.toFixed(0)} ms — table rewritten: ${before === after ? 'no' : 'YES'} (${(preview.statements as string[]).join('; ')})`,
)

const renamed = { ...withNote, properties: { code: def.properties.code, remark: withNote.properties.note } }
t0 = performance.now()
must(
  await p.http(
    'PATCH',
    '/api/entity-definitions/benchRow',
    { definition: renamed, renames: { note: 'remark' } },
    token,
  ),
  'rename',
)
console.log(
  `  rename a field: ${(performance.now() - t0).toFixed(0)} ms — table rewritten: ${(await filenode()) === after ? 'no' : 'YES'}`,
)
await p.close()
if (before !== after) process.exit(1)
