/**
 * From raw files to entity definitions: metaschema, property rules, extension merging,
 * normalisation and the checks across entities. Every problem becomes a DefinitionError;
 * nothing throws, so one run reports everything that is wrong.
 */
import { checkEntity } from './entity-checks.js'
import { applyExtension, startMerge } from './merge.js'
import type { MergedEntity } from './merge.js'
import { normalizeEntity } from './normalize.js'
import { checkProperties } from './property-checks.js'
import { isExtension } from './raw.js'
import { pointer } from './pointer.js'
import type { RawEntity, RawExtension, RawProperty } from './raw.js'
import type { DefinitionError, EntityDefinition } from './types.js'
import { validateFile } from './validate-file.js'

/** One definition file (or in-memory definition) to build from. */
export interface EntitySource {
  /** File path or `plugin:<name>` / `db:<name>`; it names the origin in errors. */
  source: string
  raw: unknown
  /** Set by the loader when the file is not valid JSON; `raw` is then ignored. */
  parseError?: string
}

export interface BuildResult {
  entities: Map<string, EntityDefinition>
  errors: DefinitionError[]
}

/** Name of the entity a file declares, read defensively from a file that failed validation. */
function declaredName(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined
  const meta: unknown = (raw as Record<string, unknown>)['x-entity']
  if (typeof meta !== 'object' || meta === null) return undefined
  const name: unknown = (meta as Record<string, unknown>).name
  return typeof name === 'string' ? name : undefined
}

/** The properties of a file that failed the metaschema whose own subtree had no error. */
function validProperties(
  raw: unknown,
  failures: ReadonlyArray<{ path: string }>,
): Record<string, RawProperty> {
  if (typeof raw !== 'object' || raw === null) return {}
  const props: unknown = (raw as Record<string, unknown>).properties
  if (typeof props !== 'object' || props === null || Array.isArray(props)) return {}
  const out: Record<string, RawProperty> = {}
  for (const [key, value] of Object.entries(props)) {
    const at = pointer('properties', key)
    const failed = failures.some(
      (f) => f.path === at || f.path.startsWith(at + '/') || f.path === '/properties',
    )
    // Safe: this subtree satisfied the metaschema's property schema.
    if (!failed) out[key] = value as RawProperty
  }
  return out
}

/**
 * Build the entity registry from raw sources.
 * @example
 * const { entities, errors } = buildEntities([{ source: 'crm/customer.json', raw: json }])
 * if (errors.length === 0) entities.get('customer')?.fields.creditLimit?.column // 'numeric(14,2)'
 */
export function buildEntities(sources: ReadonlyArray<EntitySource>): BuildResult {
  const errors: DefinitionError[] = []
  const broken = new Set<string>()
  const entityFiles: Array<{ source: string; file: RawEntity }> = []
  const extensionFiles: Array<{ source: string; file: RawExtension }> = []

  for (const { source, raw, parseError } of sources) {
    if (parseError !== undefined) {
      errors.push({ source, path: '', message: parseError })
      continue
    }
    const result = validateFile(raw)
    if (!result.ok) {
      for (const e of result.errors) errors.push({ source, ...e })
      // Properties that passed the metaschema still get their own checks: one run, every problem.
      for (const e of checkProperties(validProperties(raw, result.errors))) errors.push({ source, ...e })
      const name = declaredName(raw)
      if (name !== undefined) broken.add(name)
      continue
    }
    for (const e of checkProperties(result.file.properties)) errors.push({ source, ...e })
    if (isExtension(result.file)) extensionFiles.push({ source, file: result.file })
    else entityFiles.push({ source, file: result.file })
  }

  // Register by name; the first file wins and later clashes are reported on the later file.
  const merged = new Map<string, MergedEntity>()
  const byPlural = new Map<string, MergedEntity>()
  const byTable = new Map<string, MergedEntity>()
  for (const { source, file } of entityFiles) {
    const meta = file['x-entity']
    const first = merged.get(meta.name)
    if (first) {
      errors.push({
        source,
        path: '/x-entity/name',
        message: `entity "${meta.name}" is already defined in ${first.source}`,
      })
      continue
    }
    const m = startMerge(source, file)
    merged.set(meta.name, m)
    const samePlural = byPlural.get(meta.plural)
    if (samePlural) {
      errors.push({
        source,
        path: '/x-entity/plural',
        message: `plural (route) "${meta.plural}" is already used by entity "${samePlural.raw['x-entity'].name}" in ${samePlural.source}`,
      })
    } else byPlural.set(meta.plural, m)
    const sameTable = byTable.get(meta.table)
    if (sameTable) {
      errors.push({
        source,
        path: '/x-entity/table',
        message: `table "${meta.table}" is already used by entity "${sameTable.raw['x-entity'].name}" in ${sameTable.source}`,
      })
    } else byTable.set(meta.table, m)
  }

  for (const { source, file } of extensionFiles) {
    const target = merged.get(file['x-extends'])
    if (!target) {
      if (!broken.has(file['x-extends'])) {
        errors.push({
          source,
          path: '/x-extends',
          message: `x-extends names unknown entity "${file['x-extends']}"`,
        })
      }
      continue
    }
    errors.push(...applyExtension(target, source, file))
  }

  const entities = new Map<string, EntityDefinition>()
  for (const [name, m] of merged) entities.set(name, normalizeEntity(m.raw, m.source))
  for (const [name, m] of merged) {
    const def = entities.get(name)
    if (def) errors.push(...checkEntity(m, def, { entities, broken }))
  }
  return { entities, errors }
}
