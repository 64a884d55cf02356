import { BadRequest } from '@feathersjs/errors'
import { parseQuery, type FilterGroup } from '@plume/core'
import type { EntityDefinition } from '@plume/metadata'
import { PathError, type FieldRef, type Joins } from './paths.js'

/** A problem in a definition or run, with a JSON pointer (`/filters/product.cost`). */
export interface SpecProblem {
  path: string
  message: string
}

export class SpecError extends Error {
  constructor(readonly problems: SpecProblem[]) {
    super(problems.map((p) => `${p.path} ${p.message}`).join('; '))
  }
}

/** Fields the caller may not see, per entity name (empty: everything visible). */
export type HiddenOf = (entity: EntityDefinition) => ReadonlySet<string> | undefined

const MAX_DEPTH = 3

/** Resolves a path and refuses fields (and foreign keys walked) the caller may not see. */
export function resolveVisible(joins: Joins, path: string, hiddenOf: HiddenOf | undefined): FieldRef {
  const ref = joins.resolve(path)
  if (hiddenOf) {
    for (const v of ref.via)
      if (hiddenOf(v.entity)?.has(v.field)) throw new HiddenFieldError(`${v.entity.name}.${v.field}`)
    if (hiddenOf(ref.entity)?.has(ref.field.name))
      throw new HiddenFieldError(`${ref.entity.name}.${ref.field.name}`)
  }
  return ref
}

/** A field hidden from the caller was named: 403 for dimensions and measures, "unknown" in filters. */
export class HiddenFieldError extends Error {
  constructor(readonly field: string) {
    super(`field "${field}" is hidden from you`)
  }
}

/**
 * Turns a Feathers query whose keys may be relation paths (`{"order.status": {"$in": […]}}`) into
 * a filter tree on qualified columns (`t0.status`, `j1.categoryId`). Each leaf goes through the
 * core's whitelisting query parser, so values are typed and operators checked exactly as on
 * `/api/<plural>`; `$or`/`$and` nest up to three levels.
 * @example applyFilter(qb, toFilter(joins, { status: 'approved' }, '/filters'))
 */
export function toFilter(
  joins: Joins,
  query: Record<string, unknown>,
  base: string,
  hiddenOf?: HiddenOf,
  depth = 0,
): FilterGroup {
  const group: FilterGroup = { conditions: [], or: [] }
  const problems: SpecProblem[] = []
  for (const [key, raw] of Object.entries(query)) {
    const path = `${base}/${key}`
    if (key === '$or' || key === '$and') {
      const items = Array.isArray(raw) ? raw : null
      if (!items || items.length === 0 || items.length > 50) {
        problems.push({ path, message: 'must be a list of 1 to 50 conditions' })
        continue
      }
      if (depth >= MAX_DEPTH) {
        problems.push({ path, message: 'is nested too deeply' })
        continue
      }
      const subs: FilterGroup[] = []
      items.forEach((item, i) => {
        if (!item || typeof item !== 'object' || Array.isArray(item))
          return problems.push({ path: `${path}/${i}`, message: 'must be an object of conditions' })
        try {
          subs.push(toFilter(joins, item as Record<string, unknown>, `${path}/${i}`, hiddenOf, depth + 1))
        } catch (err) {
          if (err instanceof SpecError) problems.push(...err.problems)
          else throw err
        }
      })
      if (key === '$or') group.or.push(subs)
      else for (const s of subs) group.or.push([s])
      continue
    }
    if (key.startsWith('$')) {
      problems.push({ path, message: 'is not a supported query parameter' })
      continue
    }
    let ref: FieldRef
    try {
      ref = resolveVisible(joins, key, hiddenOf)
    } catch (err) {
      // a hidden field in a filter reads as unknown (no oracle), as on the entity services
      if (err instanceof PathError || err instanceof HiddenFieldError) {
        problems.push({
          path,
          message: err instanceof HiddenFieldError ? `unknown field "${key}"` : err.message,
        })
        continue
      }
      throw err
    }
    try {
      const parsed = parseQuery(ref.entity, { [ref.field.name]: raw }, { defaultLimit: 1, maxLimit: 1 })
      for (const c of parsed.filter.conditions)
        group.conditions.push({ ...c, field: `${ref.alias}.${c.field}` })
    } catch (err) {
      if (!(err instanceof BadRequest)) throw err
      const list = (err as { errors?: SpecProblem[] }).errors ??
        (err.data as { errors?: SpecProblem[] } | undefined)?.errors ?? [{ path: '', message: err.message }]
      for (const e of list)
        problems.push({ path: `${base}/${key}${e.path.replace(/^\/[^/]*/, '')}`, message: e.message })
    }
  }
  if (problems.length) throw new SpecError(problems)
  return group
}
