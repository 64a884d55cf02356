import { Decimal } from 'decimal.js'
import type { EntityDefinition } from '@plume/metadata'
import type { FieldError } from './field-error.js'
import { type Locale, text } from './messages.js'

/**
 * Percents are exact decimal strings ("12.5"), stored as `numeric(7,4)`, at any depth (a
 * promotion's tiers, a plan's rates). A JSON number is accepted for compatibility and turned
 * into the decimal string it was written as; the range (`minimum`/`maximum`) is compared
 * exactly with decimal.js, since JSON Schema compares numbers only.
 */

type Node = Record<string, unknown>
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v)

const isDecimalPercent = (schema: Node): boolean =>
  schema['x-type'] === 'percent' &&
  (schema.type === 'string' || (Array.isArray(schema.type) && schema.type.includes('string')))

type Visit = (schema: Node, value: unknown, path: string, set: (v: unknown) => void) => void

/** Calls `visit` on every decimal-string percent in `value` that `schema` describes. */
function walk(schema: Node, value: unknown, path: string, set: (v: unknown) => void, visit: Visit): void {
  if (isDecimalPercent(schema)) return visit(schema, value, path, set)
  if (Array.isArray(value) && isNode(schema.items)) {
    const items = schema.items
    value.forEach((v, i) => walk(items, v, `${path}/${i}`, (nv) => (value[i] = nv), visit))
  } else if (isNode(value) && isNode(schema.properties)) {
    for (const [name, sub] of Object.entries(schema.properties)) {
      if (isNode(sub) && name in value)
        walk(sub, value[name], `${path}/${name}`, (nv) => (value[name] = nv), visit)
    }
  }
}

function walkEntity(entity: EntityDefinition, data: Node, visit: Visit): void {
  for (const [name, v] of Object.entries(data)) {
    const f = entity.fields[name]
    if (f) walk(f.schema, v, `/${name}`, (nv) => (data[name] = nv), visit)
  }
}

/**
 * Turns JSON numbers given for decimal-string percents into their decimal strings, in place
 * (12.5 → "12.5"). Anything else is left for validation to refuse.
 * @example coercePercents(promotion, body) // { percentOff: 12.5 } → { percentOff: '12.5' }
 */
export function coercePercents(entity: EntityDefinition, data: Node): void {
  walkEntity(entity, data, (_s, value, _p, set) => {
    // String() of a double is the shortest text that reads back the same: what the client wrote
    if (typeof value === 'number' && Number.isFinite(value)) set(String(value))
  })
}

const RANGE = [
  ['minimum', (d: Decimal, b: Decimal) => d.gte(b), 'atLeast'],
  ['exclusiveMinimum', (d: Decimal, b: Decimal) => d.gt(b), 'above'],
  ['maximum', (d: Decimal, b: Decimal) => d.lte(b), 'atMost'],
  ['exclusiveMaximum', (d: Decimal, b: Decimal) => d.lt(b), 'below'],
] as const

/**
 * Range errors of decimal-string percents, compared exactly. Values that are not decimal
 * strings are skipped (the schema's pattern reports them).
 * @example percentRangeErrors(promotion, { percentOff: '100.5' }) // [{ path: '/percentOff', message: 'must be at most 100' }]
 */
export function percentRangeErrors(
  entity: EntityDefinition,
  data: Node,
  locale: Locale = 'en',
): FieldError[] {
  const out: FieldError[] = []
  walkEntity(entity, data, (schema, value, path) => {
    if (typeof value !== 'string') return
    let d: Decimal
    try {
      d = new Decimal(value)
    } catch {
      return
    }
    for (const [key, ok, message] of RANGE) {
      const bound = schema[key]
      if (typeof bound !== 'number' || ok(d, new Decimal(bound))) continue
      out.push({ path, message: text(locale, message, { limit: String(bound) }) })
      return
    }
  })
  return out
}

/**
 * The raw schema (with its `x-` keywords) that describes the value at a JSON pointer of a record.
 * @example schemaAt(promotion, '/tiers/0/percentOff') // { type: 'string', 'x-type': 'percent', … }
 */
export function schemaAt(entity: EntityDefinition, pointer: string): Node | undefined {
  const [, name, ...rest] = pointer.split('/')
  let node: Node | undefined = name === undefined ? undefined : entity.fields[name]?.schema
  for (const token of rest) {
    if (!node) return undefined
    const props: unknown = node.properties
    node =
      /^\d+$/.test(token) && isNode(node.items)
        ? node.items
        : isNode(props) && isNode(props[token])
          ? props[token]
          : undefined
  }
  return node
}
