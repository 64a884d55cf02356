import type { EntityDefinition, FieldDefinition } from '@plume/metadata'
import type { Knex } from 'knex'
import { parseQuery, type Condition, type FilterGroup } from '../service/query.js'
import { applyFilter, type RowScope } from '../service/sql.js'
import { MissingFact, resolvePath } from './conditions.js'
import type { UserFact } from './types.js'

/**
 * Row conditions: a Feathers query whose values may be `{ "$fact": "user.partnerId" }`. The
 * references are resolved per user, the query goes through the same whitelisting parser as
 * client queries, and the result is either SQL (`toScope`) or an in-memory test with the same
 * semantics (`matchesRow`, used for realtime events and for checking data on create).
 */

/** `user.partnerId`, `user.attributes.region`: the only fact references a row may hold. */
export const ROW_FACT = /^user(\.[A-Za-z_][A-Za-z0-9_]{0,62}){1,3}$/

export const isRowFactRef = (v: unknown): v is { $fact: string } =>
  v !== null &&
  typeof v === 'object' &&
  !Array.isArray(v) &&
  typeof (v as { $fact?: unknown }).$fact === 'string' &&
  Object.keys(v).length === 1

/** Every `$fact` reference in a row query. */
export function rowFactRefs(row: unknown, out: string[] = []): string[] {
  if (isRowFactRef(row)) out.push(row.$fact)
  else if (Array.isArray(row)) for (const v of row) rowFactRefs(v, out)
  else if (row && typeof row === 'object') for (const v of Object.values(row)) rowFactRefs(v, out)
  return out
}

/** Replaces fact references by the user's values; a missing (or null) value throws {@link MissingFact}. */
export function resolveRow(row: unknown, user: UserFact): unknown {
  if (isRowFactRef(row)) {
    const v = resolvePath({ user }, row.$fact.split('.'))
    // null would turn "partnerId = my partner" into "partnerId is null": never a grant
    if (v === undefined || v === null) throw new MissingFact(row.$fact)
    return v
  }
  if (Array.isArray(row)) return row.map((v) => resolveRow(v, user))
  if (row && typeof row === 'object')
    return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, resolveRow(v, user)]))
  return row
}

/** Parses a resolved row query with the client query parser (so it is whitelisted and typed). */
export function parseRow(entity: EntityDefinition, resolved: Record<string, unknown>): FilterGroup {
  return parseQuery(entity, resolved, { defaultLimit: 1, maxLimit: 1 }).filter
}

export const isEmptyFilter = (g: FilterGroup) => g.conditions.length === 0 && g.or.length === 0

/** Field names a filter reads. */
export function filterFields(g: FilterGroup, out = new Set<string>()): Set<string> {
  for (const c of g.conditions) out.add(c.field)
  for (const alts of g.or) for (const a of alts) filterFields(a, out)
  return out
}

/**
 * One SQL scope: the alternatives OR-ed (each an AND of its own conditions).
 * @example params.scope = toScope([partnerFilter, ownerFilter])
 */
export function toScope(alternatives: FilterGroup[]): RowScope {
  if (alternatives.length === 1) {
    const only = alternatives[0]!
    return (qb: Knex.QueryBuilder) => applyFilter(qb, only)
  }
  return (qb: Knex.QueryBuilder) => {
    qb.where((outer) => {
      for (const alt of alternatives) outer.orWhere((inner) => applyFilter(inner, alt))
    })
  }
}

/** A filter as a Feathers query again (for explanations). */
export function filterToQuery(g: FilterGroup): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const and: Record<string, unknown>[] = []
  for (const c of g.conditions) {
    const cond = c.op === '$eq' ? c.value : { [c.op]: c.value }
    if (c.field in out) and.push({ [c.field]: cond })
    else out[c.field] = cond
  }
  for (const alts of g.or) and.push({ $or: alts.map(filterToQuery) })
  if (and.length) out.$and = and
  return out
}

// ---- in memory, with the SQL semantics of core/src/service/sql.ts ----

type Comparable = number | string | boolean

function comparable(f: FieldDefinition | undefined, v: unknown): Comparable | null | undefined {
  if (v === null || v === undefined) return v as null | undefined
  if (!f) return typeof v === 'number' || typeof v === 'boolean' ? v : String(v)
  if (f.type === 'integer' || f.type === 'number' || f.xType === 'money' || f.xType === 'percent') {
    const n = Number(v)
    return Number.isFinite(n) ? n : undefined
  }
  if (f.format === 'date-time' || f.format === 'date') {
    const t = v instanceof Date ? v.getTime() : Date.parse(String(v))
    return Number.isNaN(t) ? undefined : t
  }
  if (f.type === 'boolean') return typeof v === 'boolean' ? v : v === 'true'
  return typeof v === 'string' ? v : String(v)
}

const likeCache = new Map<string, RegExp>()
function likeRegex(pattern: string, flags: string): RegExp {
  const key = flags + pattern
  let re = likeCache.get(key)
  if (!re) {
    let src = ''
    for (let i = 0; i < pattern.length; i++) {
      const ch = pattern[i]!
      if (ch === '\\' && i + 1 < pattern.length) src += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      else if (ch === '%') src += '[\\s\\S]*'
      else if (ch === '_') src += '[\\s\\S]'
      else src += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    }
    re = new RegExp(`^${src}$`, flags)
    if (likeCache.size > 1000) likeCache.clear()
    likeCache.set(key, re)
  }
  return re
}

function eq(a: Comparable | null | undefined, b: Comparable | null | undefined): boolean {
  return a !== null && a !== undefined && b !== null && b !== undefined && a === b
}

function matchCondition(entity: EntityDefinition, row: Record<string, unknown>, c: Condition): boolean {
  // a column the row does not carry cannot be proven inside the scope: not a match (fail closed)
  if (!Object.prototype.hasOwnProperty.call(row, c.field)) return false
  const f = entity.fields[c.field]
  const a = comparable(f, row[c.field])
  if (a === undefined) return false
  const b = (v: unknown) => comparable(f, v)
  switch (c.op) {
    case '$eq':
      return c.value === null ? a === null : eq(a, b(c.value))
    case '$ne':
      return c.value === null ? a !== null : a === null || !eq(a, b(c.value))
    case '$in':
      return a !== null && (c.value as unknown[]).some((v) => eq(a, b(v)))
    case '$nin':
      return a === null || !(c.value as unknown[]).some((v) => eq(a, b(v)))
    case '$lt':
    case '$lte':
    case '$gt':
    case '$gte': {
      const v = b(c.value)
      if (a === null || v === null || v === undefined) return false
      if (c.op === '$lt') return a < v
      if (c.op === '$lte') return a <= v
      if (c.op === '$gt') return a > v
      return a >= v
    }
    case '$like':
      return a !== null && likeRegex(String(c.value), '').test(String(a))
    case '$ilike':
      return a !== null && likeRegex(String(c.value), 'i').test(String(a))
    case '$notlike':
      return a !== null && !likeRegex(String(c.value), '').test(String(a))
  }
}

/**
 * Whether a row satisfies a filter, exactly as the SQL `WHERE` would select it
 * (SQL's unknown counts as "not selected"; a column missing from the row never matches).
 * @example matchesRow(order, { partnerId: 7, status: 'draft' }, filter)
 */
export function matchesRow(entity: EntityDefinition, row: Record<string, unknown>, g: FilterGroup): boolean {
  for (const c of g.conditions) if (!matchCondition(entity, row, c)) return false
  for (const alts of g.or) if (!alts.some((alt) => matchesRow(entity, row, alt))) return false
  return true
}
