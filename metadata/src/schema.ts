/**
 * The entity's JSON Schema for validating records: `x-` keywords removed (so a strict Ajv
 * accepts it), the server-managed fields added as readOnly, money patterns filled in and
 * `null` added to the enum of nullable enum fields.
 */
import { MONEY_PATTERN, PERCENT_PATTERN } from './raw.js'
import type { EntityDefinition, FieldDefinition } from './types.js'

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Copy of a property schema without `x-` keywords, recursing into nested schemas. */
export function stripExtensions(schema: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(schema)) {
    if (k.startsWith('x-')) continue
    if ((k === 'items' || k === 'additionalProperties') && isObject(v)) out[k] = stripExtensions(v)
    else if (k === 'properties' && isObject(v)) {
      out[k] = Object.fromEntries(
        Object.entries(v).map(([n, s]) => [n, isObject(s) ? stripExtensions(s) : s]),
      )
    } else out[k] = structuredClone(v)
  }
  return out
}

const RANGE = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'] as const

const isDecimalString = (node: Record<string, unknown>, xType: string): boolean =>
  node['x-type'] === xType &&
  (node.type === 'string' || (Array.isArray(node.type) && node.type.includes('string')))

/**
 * Money and percent written as decimal strings, at any depth (tiers, rates): the default pattern
 * filled in, and a percent's range left to the exact comparison in core (JSON Schema compares
 * numbers only). Returns a copy.
 */
export function decimalStrings(schema: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...schema }
  if (isDecimalString(out, 'money')) out.pattern ??= MONEY_PATTERN
  if (isDecimalString(out, 'percent')) {
    out.pattern ??= PERCENT_PATTERN
    for (const k of RANGE) delete out[k]
  }
  if (isObject(out.items)) out.items = decimalStrings(out.items)
  if (isObject(out.properties)) {
    out.properties = Object.fromEntries(
      Object.entries(out.properties).map(([n, v]) => [n, isObject(v) ? decimalStrings(v) : v]),
    )
  }
  return out
}

/**
 * JSON Schema of one field's value, as a strict Ajv takes it: no `x-` keywords, the money
 * pattern filled in, `null` allowed in the enum of a nullable field.
 * @example fieldJsonSchema(customer.fields.creditLimit!)
 */
export function fieldJsonSchema(f: FieldDefinition): Record<string, unknown> {
  const s = stripExtensions(decimalStrings(f.schema))
  if (f.pattern !== undefined) s.pattern = f.pattern
  if (f.nullable && Array.isArray(s.enum) && !s.enum.includes(null)) s.enum = [...s.enum, null]
  return s
}

/**
 * JSON Schema (2020-12) of one stored record, every field included.
 * @example new Ajv2020({ strict: true }).compile(entityJsonSchema(entities.get('customer')!))
 */
export function entityJsonSchema(def: EntityDefinition): Record<string, unknown> {
  const properties: Record<string, unknown> = {}
  for (const name of def.fieldOrder) {
    const f = def.fields[name]
    if (f) properties[name] = fieldJsonSchema(f)
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: def.ui.label.en,
    type: 'object',
    properties,
    required: [...def.required],
    additionalProperties: false,
  }
}
