/**
 * The model: the entity files (core's and the plugins') plus what is stored in the database —
 * custom entities and customizations of file-made ones — built by the same loader, validated by
 * the same metaschema.
 */
import {
  buildEntities,
  DefinitionLoadError,
  type DefinitionError,
  type EntityDefinition,
  type EntitySource,
} from '@plume/metadata'
import { applyCustomization } from './customize.js'
import type { Customization, StoredDefinition } from './store.js'

/** The source name a stored definition gets in the loader (and in its error messages). */
export const storedSource = (s: Pick<StoredDefinition, 'name' | 'kind'>): string =>
  s.kind === 'custom' ? `db:${s.name}` : `db:customization:${s.name}`

const meta = (raw: unknown): { name?: unknown; extends?: unknown } => {
  const r = (raw ?? {}) as Record<string, unknown>
  return { name: (r['x-entity'] as { name?: unknown } | undefined)?.name, extends: r['x-extends'] }
}

/**
 * The loader's sources: the files, where a customized entity's file (with the plugins'
 * extensions already merged, from `files`) becomes the customized definition, and the custom
 * entities after them.
 */
export function sourcesWith(
  files: readonly EntitySource[],
  built: ReadonlyMap<string, EntityDefinition>,
  stored: ReadonlyMap<string, StoredDefinition>,
): EntitySource[] {
  const customized = new Map(
    [...stored.values()]
      .filter((s) => s.kind === 'customization' && built.has(s.name))
      .map((s) => [s.name, s]),
  )
  const out: EntitySource[] = []
  for (const s of files) {
    const m = meta(s.raw)
    if (typeof m.extends === 'string' && customized.has(m.extends)) continue
    const c = typeof m.name === 'string' ? customized.get(m.name) : undefined
    const file = c ? built.get(c.name) : undefined
    if (c && file)
      out.push({
        source: storedSource(c),
        raw: applyCustomization(file.schema, c.definition as unknown as Customization),
      })
    else out.push(s)
  }
  for (const s of stored.values())
    if (s.kind === 'custom') out.push({ source: storedSource(s), raw: s.definition })
  return out
}

export interface Model {
  entities: Map<string, EntityDefinition>
  /** The file-made entities as their files define them (no customization). */
  files: Map<string, EntityDefinition>
  /** Stored definitions left out because they no longer fit (a file changed under them). */
  rejected: Array<{ name: string; errors: DefinitionError[] }>
}

/**
 * Builds the model. File errors throw {@link DefinitionLoadError} as before; a stored definition
 * that no longer fits is left out and reported, so start-up never fails on data.
 * @example const { entities } = buildModel(fileSources, await readStored(knex))
 */
export function buildModel(
  files: readonly EntitySource[],
  stored: ReadonlyMap<string, StoredDefinition>,
): Model {
  const base = buildEntities(files)
  if (base.errors.length > 0) throw new DefinitionLoadError(base.errors)
  const all = buildEntities(sourcesWith(files, base.entities, stored))
  if (all.errors.length === 0) return { entities: all.entities, files: base.entities, rejected: [] }
  // keep every stored definition that builds together with those kept before it
  let kept = new Map<string, StoredDefinition>()
  let pending = [...stored.values()]
  let progress = true
  while (pending.length > 0 && progress) {
    progress = false
    const next: StoredDefinition[] = []
    for (const s of pending) {
      const trial = new Map(kept).set(s.name, s)
      if (buildEntities(sourcesWith(files, base.entities, trial)).errors.length === 0) {
        kept = trial
        progress = true
      } else next.push(s)
    }
    pending = next
  }
  const rejected = pending.map((s) => ({
    name: s.name,
    errors: buildEntities(sourcesWith(files, base.entities, new Map(kept).set(s.name, s))).errors,
  }))
  return {
    entities: buildEntities(sourcesWith(files, base.entities, kept)).entities,
    files: base.entities,
    rejected,
  }
}
