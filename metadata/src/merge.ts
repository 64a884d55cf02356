/**
 * Extension files add properties, required entries, indexes, relations and references on
 * existing fields (`x-refs`) to an entity defined elsewhere. Merging keeps, for every merged
 * piece, the file and pointer it came from, so later errors name the extension file rather
 * than the entity it extends.
 */
import { pointer } from './pointer.js'
import type { RawEntity, RawExtension, RawProperty } from './raw.js'
import type { DefinitionError, FieldRef } from './types.js'

export interface Origin {
  source: string
  /** JSON pointer inside `source`. */
  path: string
}

export interface MergedEntity {
  source: string
  raw: RawEntity
  origins: {
    properties: Map<string, Origin>
    /** Aligned with `raw.required`. */
    required: Origin[]
    /** Aligned with `raw['x-indexes']`. */
    indexes: Origin[]
    relations: Map<string, Origin>
    /** References added by an extension's `x-refs`, by field. */
    refs: Map<string, Origin>
  }
}

/** Start a merge from an entity file; the file's own object is never mutated. */
export function startMerge(source: string, file: RawEntity): MergedEntity {
  const raw = structuredClone(file)
  return {
    source,
    raw,
    origins: {
      properties: new Map(
        Object.keys(raw.properties).map((k) => [k, { source, path: pointer('properties', k) }]),
      ),
      required: (raw.required ?? []).map((_, i) => ({ source, path: pointer('required', i) })),
      indexes: (raw['x-indexes'] ?? []).map((_, i) => ({ source, path: pointer('x-indexes', i) })),
      relations: new Map(
        Object.keys(raw['x-relations'] ?? {}).map((k) => [k, { source, path: pointer('x-relations', k) }]),
      ),
      refs: new Map(),
    },
  }
}

/**
 * Merge one extension into its target. Returns the conflicts; the conflicting pieces are skipped.
 * @example applyExtension(merged, 'plugins/loyalty/entities/customer.json', { 'x-extends': 'customer', properties: { points: { type: 'integer' } } })
 */
export function applyExtension(target: MergedEntity, source: string, ext: RawExtension): DefinitionError[] {
  const errors: DefinitionError[] = []
  const name = target.raw['x-entity'].name
  const { raw, origins } = target
  for (const [key, prop] of Object.entries(ext.properties ?? {})) {
    const existing = origins.properties.get(key)
    if (existing) {
      errors.push({
        source,
        path: pointer('properties', key),
        message: `property "${key}" already exists on entity "${name}" (defined in ${existing.source}); an extension can only add new properties`,
      })
      continue
    }
    raw.properties[key] = structuredClone(prop)
    origins.properties.set(key, { source, path: pointer('properties', key) })
  }
  ;(ext.required ?? []).forEach((key, i) => {
    const list = (raw.required ??= [])
    if (list.includes(key)) return
    list.push(key)
    origins.required.push({ source, path: pointer('required', i) })
  })
  ;(ext['x-indexes'] ?? []).forEach((index, i) => {
    ;(raw['x-indexes'] ??= []).push(structuredClone(index))
    origins.indexes.push({ source, path: pointer('x-indexes', i) })
  })
  for (const [key, rel] of Object.entries(ext['x-relations'] ?? {})) {
    const existing = origins.relations.get(key)
    if (existing) {
      errors.push({
        source,
        path: pointer('x-relations', key),
        message: `relation "${key}" already exists on entity "${name}" (defined in ${existing.source})`,
      })
      continue
    }
    ;(raw['x-relations'] ??= {})[key] = structuredClone(rel)
    origins.relations.set(key, { source, path: pointer('x-relations', key) })
  }
  for (const [key, ref] of Object.entries(ext['x-refs'] ?? {})) {
    const problem = refProblem(raw.properties[key], ref)
    if (problem) {
      errors.push({
        source,
        path: pointer('x-refs', key),
        message: `x-refs: property "${key}" of entity "${name}" ${problem}`,
      })
      continue
    }
    raw.properties[key]!['x-ref'] = structuredClone(ref)
    origins.refs.set(key, { source, path: pointer('x-refs', key) })
  }
  return errors
}

/** Why a reference cannot be added to a property, or undefined when it can. */
function refProblem(prop: RawProperty | undefined, ref: FieldRef): string | undefined {
  if (!prop) return 'does not exist'
  if (prop['x-ref']) return `already refers to "${prop['x-ref'].entity}"`
  const types = [prop.type ?? []].flat()
  if (!types.includes('integer')) return 'must be an integer (ids are integers)'
  if (ref.onDelete === 'set null' && !types.includes('null'))
    return 'must be nullable for onDelete "set null"'
  return undefined
}
