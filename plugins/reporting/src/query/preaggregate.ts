import type { FilterGroup } from '@plume/core'
import type { Knex } from 'knex'
import type { AggregatePlan } from '../definition/compile.js'
import type { FieldRef } from './paths.js'

/**
 * Pre-aggregation ("eager aggregation"): when a report joins entities only to read fields that are
 * constant per foreign key of the base row (`product.cost`, `product.categoryId`), the base rows
 * are first grouped by those keys and the report's own base dimensions — 2,000 product groups
 * instead of 2 million lines — and the joins and the report's grouping run on those groups.
 * Each measure is split into partials (level 1, on the base rows) and how to combine them
 * (level 2). A measure that cannot be split (a distinct count or average of a base field, a
 * filter reading joined fields) keeps the plain one-level query.
 */

export interface Fragment {
  sql: string
  bindings: Knex.RawBinding[]
}

/** One measure split in two: partial columns computed on the base rows, and their combination. */
export interface SplitMeasure {
  partials: Fragment[]
  combine: Fragment
}

const col = (ref: FieldRef) => `${ref.alias}.${ref.field.name}`

/**
 * Splits an aggregate, or undefined when it does not decompose. `filter` is its `where` on base
 * fields only (or none); `name` prefixes its partial columns (`_m3`, `_m3c`).
 */
export function splitMeasure(
  m: AggregatePlan,
  ref: FieldRef | undefined,
  times: FieldRef | undefined,
  filter: Fragment | undefined,
  base: string,
  name: string,
): SplitMeasure | undefined {
  const onBase = (r: FieldRef | undefined) => !r || r.alias === base
  const f = filter ? ` filter (where ${filter.sql})` : ''
  const fb = filter?.bindings ?? []
  const part = (expr: string, bindings: Knex.RawBinding[], as = name): Fragment => ({
    sql: `${expr}${f} as ??`,
    bindings: [...bindings, ...fb, as],
  })
  const p = `${base}.${name}`
  // joined values are constant within a group: weight them by the group's row count
  const rows = part('count(*)', [])
  switch (m.fn) {
    case 'count':
      if (!ref) return { partials: [rows], combine: { sql: 'sum(??)', bindings: [p] } }
      if (onBase(ref))
        return { partials: [part('count(??)', [col(ref)])], combine: { sql: 'sum(??)', bindings: [p] } }
      return {
        partials: [rows],
        combine: { sql: 'coalesce(sum(case when ?? is not null then ?? end), 0)', bindings: [col(ref), p] },
      }
    case 'sum': {
      if (!ref) return undefined
      const onRef = onBase(ref)
      const onTimes = onBase(times)
      if (onRef && onTimes)
        return {
          partials: [part(times ? 'sum(?? * ??)' : 'sum(??)', times ? [col(ref), col(times)] : [col(ref)])],
          combine: { sql: 'sum(??)', bindings: [p] },
        }
      if (onRef)
        return {
          partials: [part('sum(??)', [col(ref)])],
          combine: { sql: 'sum(?? * ??)', bindings: [p, col(times!)] },
        }
      if (times && onTimes)
        return {
          partials: [part('sum(??)', [col(times)])],
          combine: { sql: 'sum(?? * ??)', bindings: [col(ref), p] },
        }
      return {
        partials: [rows],
        combine: times
          ? { sql: 'sum(?? * ?? * ??)', bindings: [col(ref), col(times), p] }
          : { sql: 'sum(?? * ??)', bindings: [col(ref), p] },
      }
    }
    case 'min':
    case 'max':
      if (!ref) return undefined
      if (onBase(ref))
        return { partials: [part(`${m.fn}(??)`, [col(ref)])], combine: { sql: `${m.fn}(??)`, bindings: [p] } }
      return {
        partials: [rows],
        combine: { sql: `${m.fn}(??) filter (where ?? > 0)`, bindings: [col(ref), p] },
      }
    case 'countDistinct':
      if (!ref || onBase(ref)) return undefined
      return {
        partials: [rows],
        combine: { sql: 'count(distinct ??) filter (where ?? > 0)', bindings: [col(ref), p] },
      }
    case 'avg': {
      if (!ref || !onBase(ref)) return undefined
      const c = `${name}c`
      return {
        partials: [part('sum(??)', [col(ref)]), part('count(??)', [col(ref)], c)],
        combine: { sql: 'round((sum(??) / nullif(sum(??), 0))::numeric, 2)', bindings: [p, `${base}.${c}`] },
      }
    }
  }
  return undefined
}

/** Table aliases one filter tree reads. */
function aliasesOf(g: FilterGroup, out = new Set<string>()): Set<string> {
  for (const c of g.conditions) out.add(c.field.split('.')[0]!)
  for (const alts of g.or) for (const a of alts) aliasesOf(a, out)
  return out
}

/**
 * A filter tree split into the part on base rows (level 1) and the part on joined rows (level 2);
 * undefined when an alternative (`$or`) mixes both.
 */
export function splitFilter(
  g: FilterGroup,
  base: string,
): { rows: FilterGroup; joined: FilterGroup } | undefined {
  const rows: FilterGroup = { conditions: [], or: [] }
  const joined: FilterGroup = { conditions: [], or: [] }
  for (const c of g.conditions) (c.field.split('.')[0] === base ? rows : joined).conditions.push(c)
  for (const alts of g.or) {
    const seen = new Set<string>()
    for (const a of alts) aliasesOf(a, seen)
    const onBase = seen.has(base)
    if (onBase && seen.size > 1) return undefined
    ;(onBase ? rows : joined).or.push(alts)
  }
  return { rows, joined }
}
