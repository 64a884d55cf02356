import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import * as core from '../index.js'
import * as internal from '../internal.js'

const HERE = dirname(fileURLToPath(import.meta.url))
const ROOT = resolve(HERE, '../../..')

/** Every name `core/src/index.ts` exports, values and types (parsed from its export lists). */
function exportedNames(source: string): string[] {
  const names: string[] = []
  for (const m of source.replace(/\/\*[\s\S]*?\*\//g, '').matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)) {
    for (const part of m[1]!.split(',')) {
      const name = part
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)
        .pop()!
        .trim()
      if (name) names.push(name)
    }
  }
  return names.sort()
}

/** The names listed in docs/plugins.md under "API reference": lines "- `name` — …". */
function documentedNames(doc: string): string[] {
  const start = doc.indexOf('## 11. API reference')
  const end = doc.indexOf('\n## ', start + 1)
  return [...doc.slice(start, end).matchAll(/^- `([A-Za-z_$][\w$]*)` — \S/gm)].map((m) => m[1]!).sort()
}

describe('@plume/core public entry', () => {
  const source = readFileSync(resolve(HERE, '../index.ts'), 'utf8')
  const exported = exportedNames(source)

  it('exports exactly the documented names', () => {
    const documented = documentedNames(readFileSync(resolve(ROOT, 'docs/plugins.md'), 'utf8'))
    expect(documented.length).toBeGreaterThan(0)
    expect(exported).toEqual(documented)
  })

  it('the parsed list covers every value the module really exports', () => {
    for (const name of Object.keys(core)) expect(exported).toContain(name)
  })

  it('keeps internals out, under @plume/core/internal', () => {
    for (const name of ['fill', 'render', 'union', 'createApp', 'PermissionEngine', 'rowHash', 'begin']) {
      expect(Object.keys(core)).not.toContain(name)
    }
    for (const name of ['fill', 'render', 'createApp', 'PermissionEngine', 'rowHash', ...Object.keys(core)]) {
      expect(Object.keys(internal)).toContain(name)
    }
  })
})
