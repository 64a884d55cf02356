/**
 * Checks that need the whole entity (after merging) or the other entities: names used in
 * `required`, indexes and `x-ui` must be fields; refs and relations must land somewhere real.
 */
import type { MergedEntity, Origin } from './merge.js'
import { pointer } from './pointer.js'
import type { DefinitionError, EntityDefinition } from './types.js'

export interface CheckContext {
  entities: ReadonlyMap<string, EntityDefinition>
  /** Entities whose file failed the metaschema: references to them are not reported again. */
  broken: ReadonlySet<string>
}

function at(origin: Origin, ...tokens: Array<string | number>): { source: string; path: string } {
  return { source: origin.source, path: origin.path + pointer(...tokens) }
}

/** Names in the entity itself: required, indexes, x-ui. */
function checkLocalNames(m: MergedEntity, def: EntityDefinition): DefinitionError[] {
  const errors: DefinitionError[] = []
  const has = (f: string): boolean => f in def.fields
  const entityRoot: Origin = { source: m.source, path: '' }

  ;(m.raw.required ?? []).forEach((name, i) => {
    const origin = m.origins.required[i] ?? entityRoot
    if (!(name in m.raw.properties))
      errors.push({ ...at(origin), message: `required names unknown property "${name}"` })
  })
  ;(m.raw['x-indexes'] ?? []).forEach((index, i) => {
    const origin = m.origins.indexes[i] ?? entityRoot
    index.fields.forEach((f, j) => {
      if (!has(f))
        errors.push({
          ...at(origin, 'fields', j),
          message: `index names unknown field "${f}" on entity "${def.name}"`,
        })
    })
  })
  const ui = m.raw['x-ui']
  for (const key of ['listColumns', 'searchFields', 'fieldOrder'] as const) {
    ;(ui[key] ?? []).forEach((f, j) => {
      if (!has(f))
        errors.push({ ...at(entityRoot, 'x-ui', key, j), message: `${key} names unknown field "${f}"` })
    })
  }
  if (ui.titleField !== undefined && !has(ui.titleField)) {
    errors.push({
      ...at(entityRoot, 'x-ui', 'titleField'),
      message: `titleField names unknown field "${ui.titleField}"`,
    })
  }
  ;(ui.groups ?? []).forEach((g, i) => {
    g.fields.forEach((f, j) => {
      if (!has(f))
        errors.push({
          ...at(entityRoot, 'x-ui', 'groups', i, 'fields', j),
          message: `group "${g.name}" names unknown field "${f}"`,
        })
    })
  })
  for (const f of Object.keys(ui.defaultSort ?? {})) {
    if (!has(f))
      errors.push({
        ...at(entityRoot, 'x-ui', 'defaultSort', f),
        message: `defaultSort names unknown field "${f}"`,
      })
  }
  return errors
}

/** x-ref targets and relations. */
function checkReferences(m: MergedEntity, def: EntityDefinition, ctx: CheckContext): DefinitionError[] {
  const errors: DefinitionError[] = []
  const known = (name: string): boolean => ctx.entities.has(name) || ctx.broken.has(name)

  for (const [name, p] of Object.entries(m.raw.properties)) {
    const ref = p['x-ref']
    const added = m.origins.refs.get(name)
    const origin = added ?? m.origins.properties.get(name)
    if (ref && origin && !known(ref.entity)) {
      errors.push({
        ...(added ? at(added, 'entity') : at(origin, 'x-ref', 'entity')),
        message: `x-ref names unknown entity "${ref.entity}"`,
      })
    }
  }

  for (const [name, rel] of Object.entries(m.raw['x-relations'] ?? {})) {
    const origin = m.origins.relations.get(name)
    if (!origin) continue
    if (name in def.fields) {
      errors.push({
        ...at(origin),
        message: `relation "${name}" has the same name as a field of "${def.name}"`,
      })
    }
    if (!known(rel.entity)) {
      errors.push({
        ...at(origin, 'entity'),
        message: `relation "${name}" names unknown entity "${rel.entity}"`,
      })
      continue
    }
    const other = ctx.entities.get(rel.entity)
    if (!other) continue // broken target: its own errors are reported already
    if (rel.kind === 'belongsTo' && rel.field !== undefined) {
      const field = def.fields[rel.field]
      if (!field) {
        errors.push({
          ...at(origin, 'field'),
          message: `relation "${name}": field "${rel.field}" does not exist on entity "${def.name}"`,
        })
      } else if (field.ref && field.ref.entity !== rel.entity) {
        errors.push({
          ...at(origin, 'field'),
          message: `relation "${name}": field "${rel.field}" refers to "${field.ref.entity}", not "${rel.entity}"`,
        })
      }
    } else if (rel.kind === 'hasMany' && rel.field !== undefined) {
      const field = other.fields[rel.field]
      if (!field) {
        errors.push({
          ...at(origin, 'field'),
          message: `relation "${name}": field "${rel.field}" does not exist on entity "${other.name}"`,
        })
      } else if (field.ref && field.ref.entity !== def.name) {
        errors.push({
          ...at(origin, 'field'),
          message: `relation "${name}": "${other.name}.${rel.field}" refers to "${field.ref.entity}", not "${def.name}"`,
        })
      }
    } else if (rel.kind === 'manyToMany' && rel.through) {
      const join = ctx.entities.get(rel.through.entity)
      if (!join) {
        if (!known(rel.through.entity))
          errors.push({
            ...at(origin, 'through', 'entity'),
            message: `relation "${name}" names unknown join entity "${rel.through.entity}"`,
          })
        continue
      }
      for (const key of ['from', 'to'] as const) {
        const f = rel.through[key]
        if (!(f in join.fields))
          errors.push({
            ...at(origin, 'through', key),
            message: `relation "${name}": field "${f}" does not exist on join entity "${join.name}"`,
          })
      }
    }
  }
  return errors
}

/**
 * All checks for one normalised entity.
 * @example checkEntity(merged, def, { entities, broken: new Set() }) // [] when all names resolve
 */
export function checkEntity(m: MergedEntity, def: EntityDefinition, ctx: CheckContext): DefinitionError[] {
  return [...checkLocalNames(m, def), ...checkReferences(m, def, ctx)]
}
