import type { HookContext, NextFunction } from '@feathersjs/feathers'

/** How a text field is stored: trimmed and upper case (codes) or lower case (e-mail addresses). */
export type TextCase = 'upper' | 'lower'

/**
 * A value as it is stored in a field normalised to `how`.
 * @example normalizeText(' c-001 ', 'upper') // 'C-001'
 */
export const normalizeText = (text: string, how: TextCase): string =>
  how === 'upper' ? text.trim().toUpperCase() : text.trim().toLowerCase()

// a pattern keeps its spaces (they are part of what it matches); only the case follows the field
const normalizePattern = (pattern: string, how: TextCase): string =>
  how === 'upper' ? pattern.toUpperCase() : pattern.toLowerCase()

const PATTERN_OPS: ReadonlySet<string> = new Set(['$like', '$ilike', '$notlike'])
const LIST_OPS: ReadonlySet<string> = new Set(['$in', '$nin'])

function normalizeValue(value: unknown, how: TextCase, op: string): unknown {
  if (typeof value === 'string') {
    if (PATTERN_OPS.has(op)) return normalizePattern(value, how)
    // `code[$in]=a,b`: each listed value is normalised on its own
    return LIST_OPS.has(op)
      ? value
          .split(',')
          .map((v) => normalizeText(v, how))
          .join(',')
      : normalizeText(value, how)
  }
  // `$in` lists: an array, or an object keyed by index past the query-string parser's array limit
  if (LIST_OPS.has(op) && value !== null && typeof value === 'object') {
    const out: Record<string, unknown> | unknown[] = Array.isArray(value) ? [] : {}
    for (const [k, v] of Object.entries(value))
      (out as Record<string, unknown>)[k] = typeof v === 'string' ? normalizeText(v, how) : v
    return out
  }
  return value
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v)

function normalizeCondition(raw: unknown, how: TextCase): unknown {
  if (!isObject(raw)) return normalizeValue(raw, how, '$eq')
  return Object.fromEntries(Object.entries(raw).map(([op, v]) => [op, normalizeValue(v, how, op)]))
}

/**
 * A Feathers query whose filter values on `fields` read as the stored values do: `code=acme`,
 * `code[$in][]=acme`, `code[$ne]=acme` and `code[$like]=ac%` all find the stored `ACME`.
 * `$or`/`$and` branches are normalised too; everything else is left as it is.
 * @example normalizeQuery({ code: 'acme', $limit: '5' }, { code: 'upper' }) // { code: 'ACME', $limit: '5' }
 */
export function normalizeQuery(
  query: Record<string, unknown>,
  fields: Readonly<Record<string, TextCase>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, raw] of Object.entries(query)) {
    const how = Object.hasOwn(fields, key) ? fields[key] : undefined
    if (how) out[key] = normalizeCondition(raw, how)
    else if ((key === '$or' || key === '$and') && raw !== null && typeof raw === 'object') {
      const branches = Object.entries(raw).map(
        ([k, item]: [string, unknown]) => [k, isObject(item) ? normalizeQuery(item, fields) : item] as const,
      )
      out[key] = Array.isArray(raw) ? branches.map(([, item]) => item) : Object.fromEntries(branches)
    } else out[key] = raw
  }
  return out
}

/**
 * Plugin hook: stores the named text fields normalised (create/update/patch data) and reads
 * filters on them the same way (find queries), so a value found is the value typed.
 * @example hooks: { customer: { all: [normalizeFields({ code: 'upper', email: 'lower' })] } }
 */
export const normalizeFields =
  (fields: Readonly<Record<string, TextCase>>) => async (context: HookContext, next: NextFunction) => {
    const data: unknown = context.data
    if (isObject(data)) {
      for (const [field, how] of Object.entries(fields)) {
        const v = data[field]
        if (typeof v === 'string') data[field] = normalizeText(v, how)
      }
    }
    const query: unknown = context.params.query
    if (isObject(query)) context.params.query = normalizeQuery(query, fields)
    return next()
  }
