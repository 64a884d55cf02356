import { BadRequest } from '@feathersjs/errors'
import type { EntityDefinition, FieldDefinition } from '@plume/metadata'
import type { FieldError } from '../validation/ajv.js'

/**
 * The Feathers query syntax, whitelisted against the entity schema and coerced to the field's
 * type. Query strings arrive as text (`?creditLimit[$gt]=100`), so values are coerced here; any
 * unknown field, operator or malformed value is a 400 — never a silently dropped filter.
 */

export type Operator =
  '$eq' | '$ne' | '$in' | '$nin' | '$lt' | '$lte' | '$gt' | '$gte' | '$like' | '$ilike' | '$notlike'

export interface Condition {
  field: string
  op: Operator
  value: unknown
}

/** A filter tree: conditions are ANDed; `or` groups hold alternatives, each an AND of its own. */
export interface FilterGroup {
  conditions: Condition[]
  or: FilterGroup[][]
}

export interface ParsedQuery {
  filter: FilterGroup
  sort: Array<[string, 'asc' | 'desc']>
  select?: string[]
  limit: number
  skip: number
  /**
   * `$total=false` skips counting (total is then -1); `$total=estimate` lets an unfiltered find
   * answer with the planner's row estimate instead of counting every row (huge tables).
   */
  total: false | 'exact' | 'estimate'
  /** `$titles`: reference fields whose target's title each row also carries (service/titles.ts). */
  titles: string[]
}

export interface QueryOptions {
  defaultLimit: number
  maxLimit: number
  /** Fields the caller may not see: not usable in filters, sort or $select (no oracle). */
  hidden?: ReadonlySet<string>
  /** Most values an `$in`/`$nin` list may hold; the entity services pass their page maximum. */
  maxIn?: number
}

const COMPARE: ReadonlySet<string> = new Set(['$ne', '$lt', '$lte', '$gt', '$gte'])
const TEXT_OPS: ReadonlySet<string> = new Set(['$like', '$ilike', '$notlike'])
// formats that are still free text in SQL (unlike dates and uuids): pattern search makes sense
const TEXT_FORMATS: ReadonlySet<string> = new Set(['email', 'uri', 'hostname'])
/** Page maximum of the platform (`paginate.max`): an `$in` may name a whole page of ids. */
const MAX_IN = 500
const MAX_OR_DEPTH = 3

class QueryErrors {
  readonly list: FieldError[] = []
  add(path: string, message: string) {
    this.list.push({ path, message })
  }
}

const MONEY = /^-?\d{1,12}(\.\d{1,2})?$/
const INTEGER = /^-?\d{1,15}$/

/**
 * A list given as an array or as an object keyed by index: a query string's parser keeps only
 * short indexed lists as arrays (`id[$in][0]=1…`, `id[$in][]=1…`) and past its array limit gives
 * an object keyed by index, which is the same list.
 * @example indexedList({ 0: '7', 1: '9' }) // ['7', '9']
 */
function indexedList(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value
  if (value === null || typeof value !== 'object') return undefined
  const keys = Object.keys(value)
  if (keys.length === 0 || !keys.every((k) => /^\d{1,9}$/.test(k))) return undefined
  // integer-like keys enumerate in ascending order, so the list keeps its order
  return keys.map((k) => (value as Record<string, unknown>)[k])
}

/** The values of `$in`/`$nin`: a list, a comma-separated string or one value. */
const listOf = (value: unknown): unknown[] =>
  indexedList(value) ?? (typeof value === 'string' ? value.split(',') : [value])

function coerce(f: FieldDefinition, raw: unknown, path: string, errs: QueryErrors): unknown {
  if (raw === null || raw === 'null') return null
  if (typeof raw === 'object') {
    errs.add(path, 'must be a single value')
    return undefined
  }
  const text = String(raw)
  switch (f.type) {
    case 'integer': {
      if (!INTEGER.test(text)) return errs.add(path, 'must be an integer')
      return Number(text)
    }
    case 'number': {
      const n = Number(text)
      if (text.trim() === '' || !Number.isFinite(n)) return errs.add(path, 'must be a number')
      return n
    }
    case 'boolean': {
      if (text === 'true' || text === '1') return true
      if (text === 'false' || text === '0') return false
      return errs.add(path, 'must be true or false')
    }
    case 'string': {
      if (f.xType === 'money' && !MONEY.test(text))
        return errs.add(path, 'must be a decimal amount, e.g. 12.50')
      if ((f.format === 'date-time' || f.format === 'date') && Number.isNaN(Date.parse(text))) {
        return errs.add(path, `must be an ISO-8601 ${f.format}`)
      }
      if (f.format === 'uuid' && !/^[0-9a-f-]{36}$/i.test(text)) return errs.add(path, 'must be a uuid')
      if (text.length > 1000) return errs.add(path, 'is too long')
      return text
    }
    default:
      return errs.add(path, 'cannot be filtered on')
  }
}

function fieldFor(
  entity: EntityDefinition,
  name: string,
  opts: QueryOptions,
  path: string,
  errs: QueryErrors,
) {
  const f = entity.fields[name]
  if (!f || f.schema.writeOnly === true || opts.hidden?.has(name)) {
    errs.add(path, 'is not a known field')
    return undefined
  }
  return f
}

/** The most reference fields one find may ask titles for (`$titles`, service/titles.ts). */
export const MAX_TITLES = 5

/** `$titles=productId,customerId`: reference fields (not hidden), at most MAX_TITLES, each once. */
function readTitles(entity: EntityDefinition, raw: unknown, opts: QueryOptions, errs: QueryErrors): string[] {
  if (raw === undefined) return []
  const names = typeof raw === 'string' ? raw.split(',') : (indexedList(raw) ?? null)
  if (!names || names.length > MAX_TITLES) {
    errs.add('/$titles', `must be a list of at most ${MAX_TITLES} reference fields`)
    return []
  }
  const out: string[] = []
  names.forEach((n, i) => {
    const f = fieldFor(entity, String(n), opts, `/$titles/${i}`, errs)
    if (f && !f.ref) errs.add(`/$titles/${i}`, 'is not a reference field')
    else if (f && !out.includes(f.name)) out.push(f.name)
  })
  return out
}

function parseFieldFilter(
  entity: EntityDefinition,
  name: string,
  raw: unknown,
  opts: QueryOptions,
  path: string,
  errs: QueryErrors,
  out: Condition[],
) {
  const f = fieldFor(entity, name, opts, path, errs)
  if (!f) return
  if (f.type === 'object' || f.type === 'array') return errs.add(path, 'cannot be filtered on')
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    if (Array.isArray(raw)) return errs.add(path, 'must be a single value; use $in for several')
    const v = coerce(f, raw, path, errs)
    if (v !== undefined) out.push({ field: name, op: '$eq', value: v })
    return
  }
  for (const [op, value] of Object.entries(raw as Record<string, unknown>)) {
    const p = `${path}/${op}`
    if (op === '$in' || op === '$nin') {
      const arr = listOf(value)
      const max = opts.maxIn ?? MAX_IN
      if (arr.length > max) {
        errs.add(p, `may hold at most ${max} values (${arr.length} given)`)
        continue
      }
      const vals = arr.map((v, i) => coerce(f, v, `${p}/${i}`, errs))
      if (vals.every((v) => v !== undefined)) out.push({ field: name, op, value: vals })
    } else if (COMPARE.has(op)) {
      const v = coerce(f, value, p, errs)
      if (v !== undefined) out.push({ field: name, op: op as Operator, value: v })
    } else if (TEXT_OPS.has(op)) {
      if (f.type !== 'string' || f.xType === 'money' || (f.format && !TEXT_FORMATS.has(f.format))) {
        errs.add(p, 'applies to text fields only')
        continue
      }
      if (typeof value !== 'string') {
        errs.add(p, 'must be a text pattern')
        continue
      }
      out.push({ field: name, op: op as Operator, value })
    } else errs.add(p, 'is not a supported operator')
  }
}

function parseFilter(
  entity: EntityDefinition,
  query: Record<string, unknown>,
  opts: QueryOptions,
  base: string,
  errs: QueryErrors,
  depth: number,
): FilterGroup {
  const group: FilterGroup = { conditions: [], or: [] }
  for (const [key, raw] of Object.entries(query)) {
    const path = `${base}/${key}`
    if (key === '$or' || key === '$and') {
      if (depth >= MAX_OR_DEPTH) {
        errs.add(path, 'is nested too deeply')
        continue
      }
      const items = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? Object.values(raw) : null
      if (!items || items.length === 0 || items.length > 50) {
        errs.add(path, 'must be a list of 1 to 50 conditions')
        continue
      }
      const subs = items.map((item, i) => {
        if (!item || typeof item !== 'object' || Array.isArray(item)) {
          errs.add(`${path}/${i}`, 'must be an object of conditions')
          return { conditions: [], or: [] }
        }
        return parseFilter(entity, item as Record<string, unknown>, opts, `${path}/${i}`, errs, depth + 1)
      })
      if (key === '$or') group.or.push(subs)
      else for (const s of subs) group.or.push([s])
      continue
    }
    if (key.startsWith('$')) {
      errs.add(path, 'is not a supported query parameter')
      continue
    }
    parseFieldFilter(entity, key, raw, opts, path, errs, group.conditions)
  }
  return group
}

function parseInt0(raw: unknown, path: string, errs: QueryErrors): number | undefined {
  const text = typeof raw === 'string' || typeof raw === 'number' ? String(raw) : ''
  if (!/^\d{1,9}$/.test(text)) {
    errs.add(path, 'must be a non-negative integer')
    return undefined
  }
  return Number(text)
}

function readPage(
  query: Record<string, unknown>,
  opts: Pick<QueryOptions, 'defaultLimit' | 'maxLimit'>,
  errs: QueryErrors,
): { limit: number; skip: number } {
  let limit = opts.defaultLimit
  if (query.$limit !== undefined) {
    const n = parseInt0(query.$limit, '/$limit', errs)
    if (n !== undefined) {
      if (n > opts.maxLimit) errs.add('/$limit', `must be at most ${opts.maxLimit}`)
      else limit = n
    }
  }
  const skip = query.$skip === undefined ? 0 : (parseInt0(query.$skip, '/$skip', errs) ?? 0)
  return { limit, skip }
}

function throwIfAny(errs: QueryErrors): void {
  const first = errs.list[0]
  if (first)
    throw new BadRequest(`Invalid query: ${first.path.slice(1)} ${first.message}`, { errors: errs.list })
}

/**
 * `$limit` and `$skip` of a service that is not an entity service, checked as the entity
 * services check them: a 400 naming the parameter, never a silently ignored or negative value.
 * @example parsePage({ $limit: '10' }, { defaultLimit: 25, maxLimit: 200 }) // { limit: 10, skip: 0 }
 */
export function parsePage(
  query: Record<string, unknown> | undefined,
  opts: Pick<QueryOptions, 'defaultLimit' | 'maxLimit'>,
): { limit: number; skip: number } {
  const errs = new QueryErrors()
  const page = readPage(query ?? {}, opts, errs)
  throwIfAny(errs)
  return page
}

/**
 * Parses and whitelists a Feathers query.
 * @example parseQuery(customer, { name: { $ilike: 'acme%' }, $sort: { name: 1 }, $limit: '10' }, opts)
 */
export function parseQuery(
  entity: EntityDefinition,
  query: Record<string, unknown> | undefined,
  opts: QueryOptions,
): ParsedQuery {
  const errs = new QueryErrors()
  const q = query ?? {}
  const { $limit: _limit, $skip: _skip, $sort, $select, $total, $titles, ...rest } = q
  const { limit, skip } = readPage(q, opts, errs)
  const sort: Array<[string, 'asc' | 'desc']> = []
  if ($sort !== undefined) {
    if (!$sort || typeof $sort !== 'object' || Array.isArray($sort))
      errs.add('/$sort', 'must be an object of field: 1 | -1')
    else {
      for (const [name, dir] of Object.entries($sort as Record<string, unknown>)) {
        const f = fieldFor(entity, name, opts, `/$sort/${name}`, errs)
        if (!f) continue
        const d = String(dir)
        if (d === '1' || d === 'asc') sort.push([name, 'asc'])
        else if (d === '-1' || d === 'desc') sort.push([name, 'desc'])
        else errs.add(`/$sort/${name}`, 'must be 1 or -1')
      }
    }
  }
  let select: string[] | undefined
  if ($select !== undefined) {
    const names = typeof $select === 'string' ? $select.split(',') : (indexedList($select) ?? null)
    if (!names) errs.add('/$select', 'must be a list of fields')
    else {
      select = []
      names.forEach((n, i) => {
        if (fieldFor(entity, String(n), opts, `/$select/${i}`, errs)) select!.push(String(n))
      })
      if (!select.includes('id')) select.unshift('id')
    }
  }
  let total: ParsedQuery['total'] = 'exact'
  if ($total !== undefined) {
    if ($total === 'false' || $total === false) total = false
    else if ($total === 'estimate') total = 'estimate'
    else if (!($total === 'true' || $total === true)) errs.add('/$total', 'must be true, false or estimate')
  }
  const titles = readTitles(entity, $titles, opts, errs)
  const filter = parseFilter(entity, rest, opts, '', errs, 0)
  throwIfAny(errs)
  return { filter, sort, select, limit, skip, total, titles }
}
