import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { describe, expect, it } from 'vitest'
import { ENTITIES_DIR, loadEntityFiles } from '../load.js'
import { buildEntities } from '../registry.js'
import { entityJsonSchema } from '../schema.js'

// the core's entities and those the repository's plugins own (`plugins/<name>/entities/`)
const PLUGINS = fileURLToPath(new URL('../../../plugins', import.meta.url))
const PLUGIN_DIRS = readdirSync(PLUGINS)
  .map((p) => join(PLUGINS, p, 'entities'))
  .filter((d) => existsSync(d))
  .sort()
const files = loadEntityFiles([ENTITIES_DIR, ...PLUGIN_DIRS])
const { entities, errors } = buildEntities(files)
const isExtension = (raw: unknown) => isObject(raw) && 'x-extends' in raw

const DOMAINS = [
  'catalog',
  'crm',
  'finance',
  'identity',
  'inventory',
  'marketing',
  'orders',
  'partners',
  'reporting',
  'risk',
  'service',
]

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Every `x-ui.label` / `help` / group label in a file must carry both languages, and every property a label. */
function labelProblems(raw: unknown, at: string): string[] {
  const problems: string[] = []
  const text = (v: unknown, where: string): void => {
    if (
      !isObject(v) ||
      typeof v.en !== 'string' ||
      v.en === '' ||
      typeof v['zh-CN'] !== 'string' ||
      v['zh-CN'] === ''
    )
      problems.push(where)
  }
  const walkProperties = (props: unknown, where: string): void => {
    if (!isObject(props)) return
    for (const [name, p] of Object.entries(props)) {
      if (!isObject(p)) continue
      const ui = p['x-ui']
      text(isObject(ui) ? ui.label : undefined, `${where}/${name}`)
      if (isObject(ui) && ui.help !== undefined) text(ui.help, `${where}/${name} help`)
      if (isObject(ui) && ui.enumLabels !== undefined) {
        const values = Array.isArray(p.enum) ? p.enum.map(String) : []
        if (!isObject(ui.enumLabels)) problems.push(`${where}/${name} enumLabels`)
        else {
          for (const [value, t] of Object.entries(ui.enumLabels)) {
            text(t, `${where}/${name} enumLabels.${value}`)
            // a label for a value the enum does not have is a typo
            if (!values.includes(value))
              problems.push(`${where}/${name} enumLabels.${value} (not an enum value)`)
          }
          // a partly labelled enum shows raw values next to translated ones
          for (const v of values)
            if (!(v in ui.enumLabels)) problems.push(`${where}/${name} enumLabels misses ${v}`)
        }
      }
      walkProperties(p.properties, `${where}/${name}/properties`)
      if (isObject(p.items)) walkProperties(p.items.properties, `${where}/${name}/items/properties`)
    }
  }
  if (!isObject(raw)) return [at]
  const ui = raw['x-ui']
  text(isObject(ui) ? ui.label : undefined, `${at} x-ui.label`)
  text(isObject(ui) ? ui.pluralLabel : undefined, `${at} x-ui.pluralLabel`)
  if (isObject(ui) && Array.isArray(ui.groups))
    ui.groups.forEach((g, i) => text(isObject(g) ? g.label : undefined, `${at} group ${i}`))
  walkProperties(raw.properties, `${at} /properties`)
  return problems
}

describe('shipped definitions', () => {
  it('load with zero errors', () => {
    expect(files.filter((f) => f.parseError !== undefined)).toEqual([])
    expect(errors).toEqual([])
  })

  it("cover every domain, one file per entity: core ones at <domain>/<name>.json, a plugin's in its entities/", () => {
    expect(DOMAINS.every((d) => [...entities.values()].some((e) => e.domain === d))).toBe(true)
    for (const e of entities.values()) {
      const core = relative(ENTITIES_DIR, e.source).split(sep)
      if (!core[0]!.startsWith('..')) expect(core).toEqual([e.domain, `${e.name}.json`])
      else expect(relative(PLUGINS, e.source).split(sep).slice(1)).toEqual(['entities', `${e.name}.json`])
    }
    expect(entities.size).toBe(files.filter((f) => !isExtension(f.raw)).length)
    expect(entities.size).toBeGreaterThanOrEqual(30)
  })

  it('keep in metadata/ only the core entities — users, API keys, saved list views and the partner as tenant — which load on their own', () => {
    const core = buildEntities(loadEntityFiles([ENTITIES_DIR]))
    expect(core.errors).toEqual([])
    expect([...core.entities.keys()].sort()).toEqual(['apiKey', 'partner', 'savedView', 'user'])
  })

  it('label in both languages the enum values users see most', () => {
    const wanted: Array<[string, string]> = [
      ['order', 'status'],
      ['customer', 'status'],
      ['customer', 'type'],
      ['partner', 'kind'],
      ['partner', 'status'],
      ['ticket', 'status'],
      ['ticket', 'priority'],
      ['ticket', 'channel'],
      ['invoice', 'status'],
      ['stockMovement', 'kind'],
      ['product', 'unit'],
      ['promotion', 'kind'],
      ['campaign', 'status'],
    ]
    for (const [entity, field] of wanted) {
      const f = entities.get(entity)?.fields[field]
      expect(Object.keys(f?.ui.enumLabels ?? {}).sort(), `${entity}.${field}`).toEqual(
        (f?.enum ?? []).map(String).sort(),
      )
    }
  })

  it('give every entity and every property (nested too) en and zh-CN labels', () => {
    const problems = files.flatMap((f) =>
      isExtension(f.raw) ? [] : labelProblems(f.raw, relative(ENTITIES_DIR, f.source)),
    )
    expect(problems).toEqual([])
  })

  it('serve the routes the platform contract names', () => {
    const routes = new Set([...entities.values()].map((e) => e.plural))
    for (const r of [
      'customers',
      'products',
      'orders',
      'order-lines',
      'partners',
      'users',
      'invoices',
      'tickets',
      'stock-levels',
    ]) {
      expect(routes.has(r), r).toBe(true)
    }
  })

  it('declare money as decimal strings and refs as integers', () => {
    for (const e of entities.values()) {
      for (const f of Object.values(e.fields)) {
        if (f.xType === 'money')
          expect([e.name, f.name, f.type, f.column]).toEqual([e.name, f.name, 'string', 'numeric(14,2)'])
        if (f.ref) expect([e.name, f.name, f.type]).toEqual([e.name, f.name, 'integer'])
      }
    }
  })

  it('keep the business invariants the plugins rely on', () => {
    const f = (entity: string, field: string) => entities.get(entity)?.fields[field]
    expect(f('user', 'password')).toMatchObject({ writeOnly: true, sensitive: true, minLength: 8 })
    expect(f('order', 'status')).toMatchObject({ readOnly: true, default: 'draft' })
    expect(f('order', 'total')).toMatchObject({ readOnly: true, column: 'numeric(14,2)' })
    expect(f('stockLevel', 'onHand')).toMatchObject({ readOnly: true, minimum: 0 })
    expect(f('orderLine', 'orderId')?.ref).toEqual({ entity: 'order', onDelete: 'cascade' })
    expect(f('order', 'customerId')?.ref).toEqual({ entity: 'customer', onDelete: 'restrict' })
    expect(entities.get('stockLevel')?.indexes).toContainEqual({
      fields: ['productId', 'warehouseId'],
      unique: true,
    })
    expect(entities.get('priceListItem')?.indexes).toContainEqual({
      fields: ['priceListId', 'productId', 'minQuantity'],
      unique: true,
    })
    expect(entities.get('stockMovement')?.versioned).toBe(false)
  })

  it('produce record schemas that strict Ajv compiles', () => {
    const ajv = new Ajv2020({ strict: true, allErrors: true })
    addFormats.default(ajv)
    for (const e of entities.values()) {
      expect(() => ajv.compile(entityJsonSchema(e)), e.name).not.toThrow()
    }
  })

  it('are files formatted as JSON with 2-space indentation and a final newline', () => {
    for (const f of files) {
      const text = readFileSync(f.source, 'utf8')
      expect(text.endsWith('}\n'), f.source).toBe(true)
      expect(text.startsWith('{\n  "$schema"'), f.source).toBe(true)
    }
  })
})
