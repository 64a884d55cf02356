/** List filters by field type, and the Feathers query they make. */
import type { EntityMeta, FieldMeta } from '../types/meta'

export type FilterValue =
  | { kind: 'text'; value: string }
  | { kind: 'range'; min?: number | string | null; max?: number | string | null }
  | { kind: 'dateRange'; from?: string | null; to?: string | null }
  | { kind: 'enum'; values: Array<string | number> }
  | { kind: 'bool'; value: boolean | null }
  | { kind: 'ref'; ids: number[] }

export type Filters = Record<string, FilterValue>

/** The kind of filter a field gets, or undefined when it cannot be filtered (objects, arrays). */
export function filterKind(f: FieldMeta): FilterValue['kind'] | undefined {
  if (f.writeOnly || f.type === 'object' || f.type === 'array') return undefined
  if (f.ref) return 'ref'
  if (f.enum) return 'enum'
  if (f.type === 'boolean') return 'bool'
  if (f.format === 'date' || f.format === 'date-time') return 'dateRange'
  if (f.type === 'integer' || f.type === 'number' || f.xType === 'money' || f.xType === 'percent')
    return 'range'
  if (f.type === 'string') return 'text'
  return undefined
}

export function emptyFilter(f: FieldMeta): FilterValue | undefined {
  switch (filterKind(f)) {
    case 'text':
      return { kind: 'text', value: '' }
    case 'range':
      return { kind: 'range', min: null, max: null }
    case 'dateRange':
      return { kind: 'dateRange', from: null, to: null }
    case 'enum':
      return { kind: 'enum', values: [] }
    case 'bool':
      return { kind: 'bool', value: null }
    case 'ref':
      return { kind: 'ref', ids: [] }
    default:
      return undefined
  }
}

const blank = (v: unknown) => v === null || v === undefined || v === ''
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`)

/** Start or end of a local calendar day as a UTC instant, for date-time fields. */
function dayBound(day: string, end: boolean): string {
  const d = new Date(`${day}T00:00:00`)
  if (end) d.setDate(d.getDate() + 1)
  return d.toISOString()
}

/** One field's filter as a Feathers query condition (undefined when the filter is empty). */
export function conditionFor(f: FieldMeta, v: FilterValue): unknown {
  switch (v.kind) {
    case 'text':
      return v.value.trim() ? { $ilike: `%${escapeLike(v.value.trim())}%` } : undefined
    case 'range': {
      const c: Record<string, unknown> = {}
      const conv = (x: number | string) => (f.type === 'string' ? String(x) : Number(x))
      if (!blank(v.min)) c.$gte = conv(v.min as number | string)
      if (!blank(v.max)) c.$lte = conv(v.max as number | string)
      return Object.keys(c).length ? c : undefined
    }
    case 'dateRange': {
      const c: Record<string, unknown> = {}
      const dt = f.format === 'date-time'
      if (v.from) c.$gte = dt ? dayBound(v.from, false) : v.from
      if (v.to) c[dt ? '$lt' : '$lte'] = dt ? dayBound(v.to, true) : v.to
      return Object.keys(c).length ? c : undefined
    }
    case 'enum':
      return v.values.length ? { $in: v.values } : undefined
    case 'bool':
      return v.value === null ? undefined : v.value
    case 'ref':
      return v.ids.length ? { $in: v.ids } : undefined
  }
}

export function filtersQuery(e: EntityMeta, filters: Filters): Record<string, unknown> {
  const q: Record<string, unknown> = {}
  for (const [name, v] of Object.entries(filters)) {
    const f = e.fields[name]
    if (!f) continue
    const c = conditionFor(f, v)
    if (c !== undefined) q[name] = c
  }
  return q
}

export const activeCount = (e: EntityMeta, filters: Filters) => Object.keys(filtersQuery(e, filters)).length
