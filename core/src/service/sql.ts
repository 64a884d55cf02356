import type { Knex } from 'knex'
import type { Condition, FilterGroup } from './query.js'

/** A row-level condition from the permission layer, applied to every query of a service call. */
export type RowScope = (qb: Knex.QueryBuilder) => void

function applyCondition(qb: Knex.QueryBuilder, c: Condition): void {
  const col = c.field
  switch (c.op) {
    case '$eq':
      if (c.value === null) qb.whereNull(col)
      else qb.where(col, c.value as Knex.Value)
      return
    case '$ne':
      if (c.value === null) qb.whereNotNull(col)
      // "not equal" in SQL drops NULLs; users expect them kept
      else qb.where((w) => w.whereNot(col, c.value as Knex.Value).orWhereNull(col))
      return
    case '$in':
      qb.whereIn(col, c.value as Knex.Value[])
      return
    case '$nin':
      qb.where((w) => w.whereNotIn(col, c.value as Knex.Value[]).orWhereNull(col))
      return
    case '$lt':
      qb.where(col, '<', c.value as Knex.Value)
      return
    case '$lte':
      qb.where(col, '<=', c.value as Knex.Value)
      return
    case '$gt':
      qb.where(col, '>', c.value as Knex.Value)
      return
    case '$gte':
      qb.where(col, '>=', c.value as Knex.Value)
      return
    case '$like':
      qb.where(col, 'like', c.value as string)
      return
    case '$ilike':
      qb.where(col, 'ilike', c.value as string)
      return
    case '$notlike':
      qb.where(col, 'not like', c.value as string)
  }
}

/** Applies a parsed filter tree to a Knex query builder (all values are bound, never inlined). */
export function applyFilter(qb: Knex.QueryBuilder, group: FilterGroup): void {
  for (const c of group.conditions) applyCondition(qb, c)
  for (const alternatives of group.or) {
    qb.where((outer) => {
      for (const alt of alternatives) outer.orWhere((inner) => applyFilter(inner, alt))
    })
  }
}
