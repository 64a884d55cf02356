import { Forbidden } from '@feathersjs/errors'
import type { EntityDefinition } from '@plume/metadata'
import type { Row } from '../service/entity-service.js'
import type { FilterGroup } from '../service/query.js'
import type { RowScope } from '../service/sql.js'
import type { Decision, Grant } from './engine.js'
import { matchesRow } from './row.js'

/** Both scopes must hold (a caller's own scope stays in force). */
export function andScope(a: RowScope | undefined, b: RowScope | undefined): RowScope | undefined {
  if (!a) return b
  if (!b) return a
  return (qb) => {
    qb.where(a)
    qb.where(b)
  }
}

export function union(a: ReadonlySet<string> | undefined, b: ReadonlySet<string>): ReadonlySet<string> {
  if (!a || a.size === 0) return b
  if (b.size === 0) return a
  return new Set([...a, ...b])
}

/**
 * Removes the fields a grant hides on rows that no grant showing them covers (in place).
 * A row lacking the columns a check needs (e.g. after `$select`) loses the field: fail closed.
 */
export function stripGuarded(
  entity: EntityDefinition,
  guarded: ReadonlyMap<string, FilterGroup[]>,
  result: unknown,
): void {
  if (guarded.size === 0 || !result || typeof result !== 'object') return
  const rows: unknown[] = Array.isArray(result)
    ? result
    : Array.isArray((result as { data?: unknown }).data)
      ? (result as { data: unknown[] }).data
      : [result]
  for (const r of rows) {
    if (!r || typeof r !== 'object') continue
    const row = r as Row
    for (const [field, filters] of guarded) {
      if (field in row && !filters.some((g) => matchesRow(entity, row, g))) delete row[field]
    }
  }
}

/** A copy of a record as `get` would show it to the holder of a decision (`undefined`: not at all). */
export function visibleCopy(entity: EntityDefinition | undefined, d: Decision, record: unknown): unknown {
  if (!d.allowed) return undefined
  if (!entity || !record || typeof record !== 'object' || Array.isArray(record))
    return d.filters === null ? record : undefined
  const row = record as Row
  if (d.filters && !d.filters.some((g) => matchesRow(entity, row, g))) return undefined
  if (d.hidden.size === 0 && d.guarded.size === 0) return record
  const copy: Row = { ...row }
  for (const f of d.hidden) delete copy[f]
  stripGuarded(entity, d.guarded, copy)
  return copy
}

/** Grants under which every field of a write may be written (hidden fields are not writable either). */
export function writableGrants(grants: Grant[], keys: string[]): Grant[] {
  return grants.filter((g) => !keys.some((k) => g.readOnly.has(k) || g.hidden.has(k)))
}

/** 403 naming the first field no grant lets the caller write. */
export function readOnlyError(
  entity: EntityDefinition,
  action: string,
  grants: Grant[],
  keys: string[],
): Forbidden {
  const field =
    keys.find((k) => grants.every((g) => g.readOnly.has(k) || g.hidden.has(k))) ??
    keys.find((k) => grants.some((g) => g.readOnly.has(k) || g.hidden.has(k))) ??
    keys[0] ??
    ''
  return new Forbidden(`You may not ${action} ${entity.name}: field "${field}" is read-only for you`, {
    errors: [{ path: `/${field}`, message: 'is read-only for you' }],
  })
}

/** 403 naming the field that puts written data outside every grant's rows. */
export function scopeError(
  entity: EntityDefinition,
  action: string,
  filters: FilterGroup[],
  data: Row,
): Forbidden {
  let field = ''
  for (const g of filters) {
    const bad = g.conditions.find((c) => !matchesRow(entity, data, { conditions: [c], or: [] }))
    if (bad) {
      field = bad.field
      break
    }
  }
  field ||= filters[0]?.conditions[0]?.field ?? ''
  return new Forbidden(
    `You may not ${action} ${entity.name} with this ${field}: the record would be outside what you may access`,
    {
      errors: [{ path: `/${field}`, message: 'is outside what you may access' }],
    },
  )
}

/** The record a PUT would leave behind (absent fields fall back to their default, or null). */
export function afterUpdate(entity: EntityDefinition, current: Row, data: Row): Row {
  const out: Row = { ...current }
  for (const f of Object.values(entity.fields)) {
    if (f.serverManaged || (f.readOnly && !(f.name in data))) continue
    out[f.name] = f.name in data ? data[f.name] : (f.default ?? null)
  }
  return out
}

/** What a create would insert, defaults included. */
export function afterCreate(entity: EntityDefinition, data: Row): Row {
  const out: Row = {}
  for (const f of Object.values(entity.fields)) if (f.default !== undefined) out[f.name] = f.default
  return { ...out, ...data }
}
