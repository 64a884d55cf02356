/**
 * What the built-in plugins declare matches what they do: a plugin that imports another
 * plugin's package or reads another plugin's tables lists it in `dependsOn` (directly or
 * through the plugins it depends on), and migrations come from the plugin's folder, one per
 * file, none listed by hand.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { ENTITIES_DIR, loadEntities } from '@plume/metadata'
import { loadPlugins } from '@plume/core/internal'

type Loaded = Awaited<ReturnType<typeof loadPlugins>>
let plugins: Loaded
const REPO = join(import.meta.dirname, '../..')

beforeAll(async () => {
  plugins = await loadPlugins({})
}, 120_000)

/** The plugin's source files, tests left out. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const path = join(dir, f)
    if (statSync(path).isDirectory()) return f === '__tests__' ? [] : sources(path)
    return /\.ts$/.test(f) && !f.includes('.test.') ? [path] : []
  })
}

describe('built-in plugins declare what they use', () => {
  it('depend on every plugin whose package they import or whose tables they read', () => {
    const entities = loadEntities(
      [ENTITIES_DIR],
      plugins.flatMap((p) => p.entitySources),
    )
    const tableOwner = new Map<string, string>()
    for (const p of plugins) for (const e of p.owns) tableOwner.set(entities.get(e)!.table, p.name)
    const byName = new Map(plugins.map((p) => [p.name, p]))
    const reach = (name: string, seen = new Set<string>()): Set<string> => {
      for (const d of byName.get(name)?.dependsOn ?? []) if (!seen.has(d)) reach(d, seen.add(d))
      return seen
    }
    const undeclared: string[] = []
    for (const p of plugins) {
      const deps = reach(p.name)
      const others = [...tableOwner].filter(([, owner]) => owner !== p.name && !deps.has(owner))
      for (const file of sources(join(p.found.root!, 'src'))) {
        const text = readFileSync(file, 'utf8')
        const where = relative(REPO, file)
        for (const m of text.matchAll(/from '@plume\/plugin-([a-z-]+)'/g)) {
          if (m[1] !== p.name && !deps.has(m[1]!))
            undeclared.push(`${where} imports @plume/plugin-${m[1]} (plugin "${p.name}")`)
        }
        for (const [table, owner] of others) {
          // SQL naming the table, or a query builder call on it: knex('orders'), trx("order_lines")
          if (
            new RegExp(
              `\\b(from|join|into|update)\\s+"?${table}"?\\b|\\(\\s*['"]${table}['"]\\s*[),]`,
              'i',
            ).test(text)
          ) {
            undeclared.push(`${where} reads table ${table} of plugin "${owner}" (plugin "${p.name}")`)
          }
        }
      }
    }
    expect(undeclared).toEqual([])
  })

  it('reporting depends on orders, notifications on risk (whose exposure SQL it runs) and service', () => {
    const deps = (name: string) => plugins.find((p) => p.name === name)?.dependsOn
    expect(deps('reporting')).toContain('orders')
    expect(deps('notifications')).toEqual(expect.arrayContaining(['risk', 'service']))
  })

  it('take their migrations from their folder: none listed by hand, one per file, named after it', () => {
    for (const p of plugins) {
      if (!p.found.root?.startsWith(join(REPO, 'plugins'))) continue
      expect(p.def.migrations, `${p.name} lists its migrations by hand`).toBeUndefined()
      const dir = ['migrations', 'src/migrations']
        .map((d) => join(p.found.root!, d))
        .find((d) => statSync(d, { throwIfNoEntry: false })?.isDirectory())
      const files = dir
        ? readdirSync(dir)
            .filter((f) => f.endsWith('.ts') && !f.includes('.test.'))
            .map((f) => f.replace(/\.ts$/, ''))
            .sort()
        : []
      expect(
        p.migrations.map((m) => m.name),
        p.name,
      ).toEqual(files)
    }
  })
})
