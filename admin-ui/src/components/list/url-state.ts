/**
 * A list's state in its URL, so the back button and shared links give the same list:
 * `?q=acme&sort=-orderDate&page=3&size=50&f.status=submitted,approved&f.total=100..500&f.orderDate=2026-01-01..`.
 * Defaults are left out (page 1, 25 a page, the entity's default sort). A saved view stores this
 * same query. Pure (no Vue, no DOM).
 */
import type { EntityMeta, FieldMeta } from '../../types/meta'
import { emptyFilter, filterKind, type FilterValue, type Filters } from '../../utils/filters'

export interface ListState {
  page: number
  pageSize: number
  sort: Record<string, 1 | -1>
  search: string
  filters: Filters
}

export type UrlQuery = Record<string, string>

export const PAGE_SIZES = [10, 25, 50, 100]
const DEFAULT_SIZE = 25

/** The entity's default sort (`x-ui.defaultSort`, else newest first). */
export const defaultSort = (e: EntityMeta): Record<string, 1 | -1> =>
  e.ui.defaultSort ? { ...e.ui.defaultSort } : { id: -1 }

const sortText = (s: Record<string, 1 | -1>) =>
  Object.entries(s)
    .map(([k, d]) => (d === -1 ? `-${k}` : k))
    .join(',')

function filterText(v: FilterValue): string | undefined {
  switch (v.kind) {
    case 'text':
      return v.value.trim() || undefined
    case 'enum':
      return v.values.length ? v.values.join(',') : undefined
    case 'ref':
      return v.ids.length ? v.ids.join(',') : undefined
    case 'bool':
      return v.value === null ? undefined : String(v.value)
    case 'range':
      return v.min == null && v.max == null ? undefined : `${v.min ?? ''}..${v.max ?? ''}`
    case 'dateRange':
      return !v.from && !v.to ? undefined : `${v.from ?? ''}..${v.to ?? ''}`
  }
}

/**
 * The URL query of a list state; empty filters and defaults are left out.
 * @example toUrlQuery(order, { page: 2, pageSize: 25, sort: { total: -1 }, search: '', filters: { status: { kind: 'enum', values: ['draft'] } } })
 *   // { page: '2', sort: '-total', 'f.status': 'draft' }
 */
export function toUrlQuery(e: EntityMeta, s: ListState): UrlQuery {
  const q: UrlQuery = {}
  if (s.search.trim()) q.q = s.search.trim()
  const sort = sortText(s.sort)
  if (sort && sort !== sortText(defaultSort(e))) q.sort = sort
  if (s.page > 1) q.page = String(s.page)
  if (s.pageSize !== DEFAULT_SIZE) q.size = String(s.pageSize)
  for (const [name, v] of Object.entries(s.filters)) {
    const text = filterText(v)
    if (text !== undefined) q[`f.${name}`] = text
  }
  return q
}

function parseFilter(f: FieldMeta, text: string): FilterValue | undefined {
  const [a = '', b = ''] = text.split('..')
  const ranged = text.includes('..')
  switch (filterKind(f)) {
    case 'text':
      return { kind: 'text', value: text }
    case 'enum': {
      const allowed = (f.enum ?? []).map(String)
      const values = text
        .split(',')
        .filter((v) => allowed.includes(v))
        .map((v) => f.enum!.find((x) => String(x) === v)!)
      return values.length ? { kind: 'enum', values } : undefined
    }
    case 'ref': {
      const ids = text
        .split(',')
        .map(Number)
        .filter((n) => Number.isInteger(n) && n > 0)
      return ids.length ? { kind: 'ref', ids } : undefined
    }
    case 'bool':
      return text === 'true' || text === 'false' ? { kind: 'bool', value: text === 'true' } : undefined
    case 'range': {
      const num = (x: string) =>
        x === '' || !Number.isFinite(Number(x)) ? null : f.type === 'string' ? x : Number(x)
      return ranged ? { kind: 'range', min: num(a), max: num(b) } : undefined
    }
    case 'dateRange': {
      const day = (x: string) => (/^\d{4}-\d{2}-\d{2}$/.test(x) ? x : null)
      return ranged ? { kind: 'dateRange', from: day(a), to: day(b) } : undefined
    }
    default:
      return undefined
  }
}

const one = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined

/**
 * The list state a URL query describes; what does not fit the entity (unknown fields, bad
 * numbers, unsortable columns) is dropped rather than sent to the server.
 * @example fromUrlQuery(order, { sort: '-total', 'f.status': 'draft,nope' }) // sort { total: -1 }, status in [draft]
 */
export function fromUrlQuery(e: EntityMeta, query: Record<string, unknown>): ListState {
  const page = Number(one(query.page))
  const size = Number(one(query.size))
  const sort: Record<string, 1 | -1> = {}
  for (const part of (one(query.sort) ?? '').split(',')) {
    const name = part.replace(/^-/, '')
    const f = e.fields[name]
    if (name === 'id' || (f && f.type !== 'object' && f.type !== 'array'))
      sort[name] = part.startsWith('-') ? -1 : 1
  }
  const filters: Filters = {}
  for (const [k, raw] of Object.entries(query)) {
    const f = k.startsWith('f.') ? e.fields[k.slice(2)] : undefined
    const text = one(raw)
    if (!f || text === undefined || !emptyFilter(f)) continue
    const v = parseFilter(f, text)
    if (v) filters[f.name] = v
  }
  return {
    page: Number.isInteger(page) && page > 0 ? page : 1,
    pageSize: PAGE_SIZES.includes(size) ? size : DEFAULT_SIZE,
    sort: Object.keys(sort).length ? sort : defaultSort(e),
    search: one(query.q) ?? '',
    filters,
  }
}

/** Whether two URL queries say the same (key order does not matter). */
export function sameQuery(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const ka = Object.keys(a).filter((k) => a[k] !== undefined)
  const kb = Object.keys(b).filter((k) => b[k] !== undefined)
  return ka.length === kb.length && ka.every((k) => one(a[k]) === one(b[k]))
}
