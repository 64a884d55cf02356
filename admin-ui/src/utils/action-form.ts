/**
 * The dialog of an action, derived from its input JSON Schema (as `GET /api/<plural>/:id/actions`
 * gives it): one input per property, in schema order. An array of objects with an `id` whose
 * name is a hasMany relation of the entity (ship's `lines`) becomes a row per related record,
 * each property starting from the related record's field of the same name, which is also its
 * maximum (ship at most the quantity ordered). Deprecated properties are left out.
 */

type Schema = Record<string, unknown>

export type InputKind = 'text' | 'textarea' | 'integer' | 'number' | 'boolean' | 'enum' | 'rows'

export interface InputField {
  name: string
  kind: InputKind
  required: boolean
  maxLength?: number
  minimum?: number
  maximum?: number
  options?: Array<string | number>
  /** `rows`: the numeric properties each row asks for (besides `id`). */
  columns?: string[]
}

export interface ActionRow {
  id: number
  /** The related record, for its title. */
  record: Record<string, unknown>
  values: Record<string, number | null>
}

const typesOf = (s: Schema): string[] =>
  Array.isArray(s.type) ? (s.type as string[]) : typeof s.type === 'string' ? [s.type] : []
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined)

/**
 * The inputs of an action's schema.
 * @example inputFields({ type: 'object', properties: { reason: { type: ['string', 'null'], maxLength: 500 } } }, [])
 *   // [{ name: 'reason', kind: 'textarea', required: false, maxLength: 500 }]
 */
export function inputFields(schema: Schema | undefined, relations: readonly string[]): InputField[] {
  const props = (schema?.properties ?? {}) as Record<string, Schema>
  const required = new Set(Array.isArray(schema?.required) ? (schema.required as string[]) : [])
  const out: InputField[] = []
  for (const [name, s] of Object.entries(props)) {
    if (s.deprecated === true) continue
    const types = typesOf(s)
    const base = { name, required: required.has(name) }
    if (Array.isArray(s.enum))
      out.push({
        ...base,
        kind: 'enum',
        options: (s.enum as Array<string | number | null>).filter((v): v is string | number => v !== null),
      })
    else if (types.includes('boolean')) out.push({ ...base, kind: 'boolean' })
    else if (types.includes('integer') || types.includes('number'))
      out.push({
        ...base,
        kind: types.includes('integer') ? 'integer' : 'number',
        minimum: num(s.minimum),
        maximum: num(s.maximum),
      })
    else if (types.includes('string')) {
      const maxLength = num(s.maxLength)
      out.push({
        ...base,
        kind: maxLength !== undefined && maxLength <= 200 ? 'text' : 'textarea',
        maxLength,
      })
    } else if (types.includes('array') && relations.includes(name)) {
      const item = (s.items ?? {}) as Schema
      const itemProps = (item.properties ?? {}) as Record<string, Schema>
      if (!('id' in itemProps)) continue
      const columns = Object.keys(itemProps).filter(
        (k) => k !== 'id' && typesOf(itemProps[k]!).some((t) => t === 'integer' || t === 'number'),
      )
      out.push({ ...base, kind: 'rows', columns, minimum: num(itemProps[columns[0] ?? '']?.minimum) })
    }
  }
  return out
}

/** One row per related record, each column starting at the record's value. */
export function rowsFrom(field: InputField, related: ReadonlyArray<Record<string, unknown>>): ActionRow[] {
  return related.map((record) => ({
    id: Number(record.id),
    record,
    values: Object.fromEntries(
      (field.columns ?? []).map((c) => [c, typeof record[c] === 'number' ? (record[c] as number) : null]),
    ),
  }))
}

/** What a value must be, as a message key and its parameters (undefined: fine). */
export interface Problem {
  key: 'required' | 'maxLength' | 'atLeast' | 'atMost' | 'integer'
  params?: Record<string, number>
}

/** Checks one value the way the server will (before the round trip). */
export function checkValue(field: InputField, value: unknown): Problem | undefined {
  const empty = value === undefined || value === null || value === ''
  if (empty) return field.required ? { key: 'required' } : undefined
  if (field.kind === 'text' || field.kind === 'textarea') {
    if (field.maxLength !== undefined && String(value).length > field.maxLength)
      return { key: 'maxLength', params: { limit: field.maxLength } }
  }
  if (field.kind === 'integer' || field.kind === 'number')
    return checkNumber(Number(value), field.kind === 'integer', field.minimum, field.maximum)
  return undefined
}

/** A row's number: an integer (when asked) between `min` and `max`. */
export function checkNumber(n: number, integer: boolean, min?: number, max?: number): Problem | undefined {
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) return { key: 'integer' }
  if (min !== undefined && n < min) return { key: 'atLeast', params: { limit: min } }
  if (max !== undefined && n > max) return { key: 'atMost', params: { limit: max } }
  return undefined
}

/**
 * The request body: empty optional inputs left out, text trimmed, rows as `[{id, …}]` (only rows
 * that differ from their related record, so "ship everything" sends no rows).
 * @example actionBody(fields, { carrier: ' SF ', trackingNumber: '' }, {}) // { carrier: 'SF' }
 */
export function actionBody(
  fields: readonly InputField[],
  values: Record<string, unknown>,
  rows: Record<string, ActionRow[]>,
): Record<string, unknown> {
  const body: Record<string, unknown> = {}
  for (const f of fields) {
    if (f.kind === 'rows') {
      const changed = (rows[f.name] ?? []).filter((r) =>
        (f.columns ?? []).some((c) => r.values[c] !== r.record[c]),
      )
      if (changed.length) body[f.name] = changed.map((r) => ({ id: r.id, ...r.values }))
      continue
    }
    const v = values[f.name]
    if (v === undefined || v === null || v === '') continue
    body[f.name] =
      typeof v === 'string' ? v.trim() : f.kind === 'integer' || f.kind === 'number' ? Number(v) : v
  }
  return body
}

/** The first problem of every input and row cell, keyed `name` or `name/<row id>/<column>`. */
export function problems(
  fields: readonly InputField[],
  values: Record<string, unknown>,
  rows: Record<string, ActionRow[]>,
): Record<string, Problem> {
  const out: Record<string, Problem> = {}
  for (const f of fields) {
    if (f.kind !== 'rows') {
      const p = checkValue(f, values[f.name])
      if (p) out[f.name] = p
      continue
    }
    for (const r of rows[f.name] ?? []) {
      for (const c of f.columns ?? []) {
        const max = typeof r.record[c] === 'number' ? (r.record[c] as number) : undefined
        const v = r.values[c]
        const p =
          v === null || v === undefined
            ? ({ key: 'required' } as const)
            : checkNumber(v, true, f.minimum, max)
        if (p) out[`${f.name}/${r.id}/${c}`] = p
      }
    }
  }
  return out
}
