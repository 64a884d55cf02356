/**
 * What a plugin package brings from its folders without listing it: migrations from
 * `migrations/` (or `src/migrations/`), alert rules from `rules/alerts/`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { FoundPlugin } from '../discover.js'
import { pluginAlertRules, pluginMigrations } from '../sources.js'

const roots: string[] = []
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })))

function pkg(files: Record<string, string>, def: Partial<FoundPlugin['def']> = {}): FoundPlugin {
  const root = mkdtempSync(join(tmpdir(), 'plume-plugin-'))
  roots.push(root)
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  return { def: { name: 'folder', version: '1.0.0', ...def }, root } as FoundPlugin
}

describe('migrations from the plugin folder', () => {
  it('takes every module of src/migrations, in name order, whatever form it exports up in', async () => {
    const found = pkg({
      'src/migrations/20260102000000-named.mjs':
        "export const HELPER = [1]\nexport const namedMigration = { name: '20260102000000-named', up: async () => 'named' }\n",
      'src/migrations/20260101000000-default.mjs': "export default { up: async () => 'default' }\n",
      'src/migrations/20260103000000-function.mjs': "export async function up() { return 'function' }\n",
      'src/migrations/notes.md': 'not a migration',
    })
    const list = await pluginMigrations(found)
    expect(list.map((m) => m.name)).toEqual([
      '20260101000000-default',
      '20260102000000-named',
      '20260103000000-function',
    ])
    expect(await Promise.all(list.map((m) => m.up({} as never, {} as never)))).toEqual([
      'default',
      'named',
      'function',
    ])
  })

  it('refuses a module whose migration is named otherwise than its file (the name recorded)', async () => {
    const found = pkg({
      'migrations/20260101000000-right.mjs':
        "export const m = { name: '20260101000000-wrong', up: async () => {} }\n",
    })
    await expect(pluginMigrations(found)).rejects.toThrow(
      /named "20260101000000-wrong", but its file "20260101000000-right"/,
    )
  })

  it('refuses a module that exports no up', async () => {
    const found = pkg({ 'migrations/20260101000000-empty.mjs': 'export const nothing = 1\n' })
    await expect(pluginMigrations(found)).rejects.toThrow(/a migration must export `up\(ctx, trx\)`/)
  })

  it('uses the migrations the definition lists instead, when it lists them', async () => {
    const found = pkg(
      { 'migrations/20260101000000-file.mjs': 'export async function up() {}\n' },
      { migrations: [{ name: 'listed', up: async () => {} }] },
    )
    expect((await pluginMigrations(found)).map((m) => m.name)).toEqual(['listed'])
  })
})

describe('alert rules from the plugin folder', () => {
  it('reads rules/alerts/*.json in name order: an entry, a bare definition or a list', () => {
    const found = pkg({
      'rules/alerts/b.json': JSON.stringify([
        { name: 'b1' },
        { kind: 'automation', definition: { name: 'b2' } },
      ]),
      'rules/alerts/a.json': JSON.stringify({ kind: 'alert', enabled: false, definition: { name: 'a' } }),
      'rules/permissions.json': JSON.stringify([{ name: 'not-an-alert' }]),
    })
    expect(pluginAlertRules(found)).toEqual([
      { kind: 'alert', enabled: false, definition: { name: 'a' } },
      { name: 'b1' },
      { kind: 'automation', definition: { name: 'b2' } },
    ])
  })

  it("uses the definition's alerts when it has them, and none without a folder", () => {
    expect(
      pluginAlertRules(pkg({ 'rules/alerts/a.json': '{"name":"a"}' }, { alerts: [{ name: 'listed' }] })),
    ).toEqual([{ name: 'listed' }])
    expect(pluginAlertRules(pkg({}))).toEqual([])
  })
})
