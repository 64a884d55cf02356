/**
 * Rules on one property that the metaschema cannot say: keyword combinations, defaults,
 * reserved names. They run on every file (entity or extension) before merging.
 */
import { baseType, isNullable } from './columns.js'
import { pointer } from './pointer.js'
import { MONEY_PATTERN, PERCENT_PATTERN, RESERVED_FIELDS } from './raw.js'
import type { RawProperty } from './raw.js'
import type { FieldType } from './types.js'
import type { PathMessage } from './validate-file.js'

const NUMERIC: ReadonlySet<FieldType> = new Set(['integer', 'number'])

function matchesType(value: unknown, type: FieldType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string'
    case 'integer':
      return Number.isInteger(value)
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
    case 'boolean':
      return typeof value === 'boolean'
    case 'array':
      return Array.isArray(value)
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value)
  }
}

function validRegExp(source: string): boolean {
  try {
    new RegExp(source, 'u')
    return true
  } catch {
    return false
  }
}

/** Semantic types and the base types they accept. */
const X_TYPE_BASES: Record<string, { types: FieldType[]; message: string }> = {
  money: {
    types: ['string'],
    message: 'money must be a decimal string: declare "type": "string" (or ["string", "null"]), e.g. "12.50"',
  },
  percent: {
    types: ['string', 'number'],
    message:
      'percent must be a decimal string ("type": "string", e.g. "12.5"; a JSON number is still accepted as input) or, for older files, a number',
  },
  quantity: { types: ['integer'], message: 'quantity must be an integer' },
  text: { types: ['string'], message: 'text must be a string' },
  json: { types: ['object', 'array'], message: 'json must be an object or an array' },
}

function checkOne(name: string, p: RawProperty, base: string[]): PathMessage[] {
  const out: PathMessage[] = []
  const at = (...tokens: Array<string | number>): string => pointer(...base, name, ...tokens)
  const add = (path: string, message: string): void => {
    out.push({ path, message })
  }

  if ((RESERVED_FIELDS as readonly string[]).includes(name)) {
    add(at(), `"${name}" is reserved: the platform adds id, createdAt, updatedAt and version to every entity`)
  }
  const types = Array.isArray(p.type) ? p.type : p.type ? [p.type] : []
  if (types.filter((t) => t !== 'null').length !== 1) {
    add(at('type'), 'type must name exactly one type besides "null"')
    return out
  }
  const type = baseType(p)
  const nullable = isNullable(p)

  const xType = p['x-type']
  if (xType) {
    const rule = X_TYPE_BASES[xType]
    if (rule && !rule.types.includes(type)) add(at('type'), rule.message)
  }
  const ref = p['x-ref']
  if (ref) {
    if (type !== 'integer') add(at('type'), `x-ref field must be an integer (ids are integers), not ${type}`)
    if (ref.onDelete === 'set null' && !nullable) {
      add(
        at('x-ref', 'onDelete'),
        'onDelete "set null" needs a nullable field: declare "type": ["integer", "null"]',
      )
    }
  }
  if (p.readOnly && p.writeOnly) add(at('writeOnly'), 'a field cannot be both readOnly and writeOnly')
  if (p['x-search'] && type !== 'string') add(at('x-search'), `x-search needs a string field, not ${type}`)
  if (p['x-unique'] && (type === 'object' || type === 'array'))
    add(at('x-unique'), `x-unique cannot apply to ${type} fields`)

  // a percent written as a decimal string keeps its range: core compares it exactly (decimal.js)
  const decimalPercent = xType === 'percent' && type === 'string'
  for (const k of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'] as const) {
    if (p[k] !== undefined && !NUMERIC.has(type) && !decimalPercent) {
      add(
        at(k),
        `${k} applies to numbers only${xType === 'money' ? '; restrict money with a pattern such as ^\\d{1,12}(\\.\\d{1,2})?$' : ''}`,
      )
    }
  }
  for (const k of ['minLength', 'maxLength', 'pattern', 'format'] as const) {
    if (p[k] !== undefined && type !== 'string') add(at(k), `${k} applies to strings only`)
  }
  for (const k of ['minItems', 'maxItems', 'uniqueItems', 'items'] as const) {
    if (p[k] !== undefined && type !== 'array') add(at(k), `${k} applies to arrays only`)
  }
  if (p.minimum !== undefined && p.maximum !== undefined && p.minimum > p.maximum) {
    add(at('minimum'), `minimum ${p.minimum} is greater than maximum ${p.maximum}`)
  }
  if (p.minLength !== undefined && p.maxLength !== undefined && p.minLength > p.maxLength) {
    add(at('minLength'), `minLength ${p.minLength} is greater than maxLength ${p.maxLength}`)
  }
  if (p.pattern !== undefined && !validRegExp(p.pattern))
    add(at('pattern'), `pattern ${JSON.stringify(p.pattern)} is not a valid regular expression`)

  const values = p.enum ?? []
  values.forEach((v, i) => {
    if (v === null ? !nullable : !matchesType(v, type))
      add(at('enum', i), `enum value ${JSON.stringify(v)} is not a ${nullable ? `${type} or null` : type}`)
  })
  // a label for a value the enum does not have is a typo that would silently never show
  for (const key of Object.keys(p['x-ui']?.enumLabels ?? {})) {
    if (!values.some((v) => String(v) === key))
      add(at('x-ui', 'enumLabels', key), `label for "${key}", which is not one of the enum values`)
  }

  if (p.default !== undefined) {
    const d = p.default
    if (d === null) {
      if (!nullable) add(at('default'), 'default is null but the field is not nullable')
    } else if (!matchesType(d, type)) {
      add(at('default'), `default ${JSON.stringify(d)} is not a ${type}`)
    } else if (p.enum && !p.enum.includes(d as string | number)) {
      add(
        at('default'),
        `default ${JSON.stringify(d)} is not one of the enum values: ${p.enum.filter((v) => v !== null).join(', ')}`,
      )
    } else if (
      xType === 'money' &&
      typeof d === 'string' &&
      validRegExp(p.pattern ?? MONEY_PATTERN) &&
      !new RegExp(p.pattern ?? MONEY_PATTERN, 'u').test(d)
    ) {
      add(at('default'), `default ${JSON.stringify(d)} is not a valid money amount (e.g. "0.00")`)
    } else if (
      decimalPercent &&
      typeof d === 'string' &&
      validRegExp(p.pattern ?? PERCENT_PATTERN) &&
      !new RegExp(p.pattern ?? PERCENT_PATTERN, 'u').test(d)
    ) {
      add(
        at('default'),
        `default ${JSON.stringify(d)} is not a valid percent (a decimal string such as "12.5")`,
      )
    }
  }
  return out
}

/**
 * Check every property of one file. `base` is where the properties sit (`['properties']`).
 * @example checkProperties({ total: { type: 'number', 'x-type': 'money' } })
 *   // [{ path: '/properties/total/type', message: 'money must be a decimal string…' }]
 */
export function checkProperties(
  properties: Record<string, RawProperty> | undefined,
  base: string[] = ['properties'],
): PathMessage[] {
  if (!properties) return []
  return Object.entries(properties).flatMap(([name, p]) => checkOne(name, p, base))
}
