/**
 * A plugin owns its entities: a plugin whose entity files refer to an entity of another plugin
 * (an `x-ref`, a relation or an `x-extends`) must depend on that plugin, directly or through
 * the plugins it depends on — otherwise disabling the other plugin would leave a dangling
 * reference behind a route that still serves.
 */
import type { EntitySource } from '@plume/metadata'
import { PluginDependencyError } from './order.js'

interface Owner {
  name: string
  dependsOn: readonly string[]
  entitySources: readonly EntitySource[]
  owns: readonly string[]
}

type Json = Record<string, unknown>
const obj = (v: unknown): Json | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined

/** The entities an entity file names, with where: `properties/<field>` (x-ref), `x-relations/<name>`, `x-refs/<field>`, `x-extends`. */
export function referencedEntities(raw: unknown): Array<{ entity: string; where: string }> {
  const file = obj(raw)
  if (!file) return []
  const out: Array<{ entity: string; where: string }> = []
  if (typeof file['x-extends'] === 'string') out.push({ entity: file['x-extends'], where: 'x-extends' })
  for (const [field, prop] of Object.entries(obj(file.properties) ?? {})) {
    const ref = obj(obj(prop)?.['x-ref'])?.entity
    if (typeof ref === 'string') out.push({ entity: ref, where: `properties/${field}` })
  }
  for (const [name, rel] of Object.entries(obj(file['x-relations']) ?? {})) {
    const target = obj(rel)?.entity
    if (typeof target === 'string') out.push({ entity: target, where: `x-relations/${name}` })
  }
  for (const [field, ref] of Object.entries(obj(file['x-refs']) ?? {})) {
    const target = obj(ref)?.entity
    if (typeof target === 'string') out.push({ entity: target, where: `x-refs/${field}` })
  }
  return out
}

/**
 * Throws {@link PluginDependencyError} listing every reference from one plugin's entity files
 * to an entity another plugin owns that the first does not depend on (transitively).
 * @example assertOwnedReferences(await loadPlugins()) // throws 'plugins/service/entities/ticket.json properties/orderId: refers to entity "order" of plugin "orders", …'
 */
export function assertOwnedReferences(plugins: readonly Owner[]): void {
  const owner = new Map<string, string>()
  for (const p of plugins) for (const e of p.owns) owner.set(e, p.name)
  const byName = new Map(plugins.map((p) => [p.name, p]))
  const reach = (name: string, seen = new Set<string>()): Set<string> => {
    for (const d of byName.get(name)?.dependsOn ?? []) if (!seen.has(d)) reach(d, seen.add(d))
    return seen
  }
  const problems: string[] = []
  for (const p of plugins) {
    const deps = reach(p.name)
    for (const s of p.entitySources) {
      for (const { entity, where } of referencedEntities(s.raw)) {
        const o = owner.get(entity)
        if (o === undefined || o === p.name || deps.has(o)) continue
        problems.push(
          `${s.source} ${where}: refers to entity "${entity}" of plugin "${o}", which plugin "${p.name}" does not list in dependsOn`,
        )
      }
    }
  }
  if (problems.length > 0)
    throw new PluginDependencyError(
      `A plugin may only refer to entities of the plugins it depends on:\n${problems.join('\n')}`,
    )
}
