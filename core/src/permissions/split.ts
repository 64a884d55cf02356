import type { PermissionRule } from './types.js'

/** What of a stored rule applies now, and the disabled plugins the rest waits for. */
export interface ActivePart {
  /** The rule narrowed to the entities and services that are there now; undefined when none is. */
  rule?: PermissionRule
  /** The disabled plugins owning entities or services the rule names (each once, in order). */
  waitsFor: string[]
}

/**
 * Splits a stored permission rule by the plugins owning what it names: the entities and services
 * of a disabled plugin (`waiting`: name → plugin, permissions/resources.ts) wait for it, the rest
 * of the rule applies. Rules stored before grants moved per plugin name entities of several
 * plugins (`["customer", "order", "product"]`): switching orders off takes its part only, and the
 * customers and products of the same rule stay granted. A rule that names nothing disabled comes
 * back as it is.
 * @example activePart({ ...rule, entities: ['customer', 'order'] }, new Map([['order', 'orders']]))
 *   // { rule: { ...rule, entities: ['customer'] }, waitsFor: ['orders'] }
 */
export function activePart(rule: PermissionRule, waiting: ReadonlyMap<string, string>): ActivePart {
  const waitsFor = [...new Set(rule.entities.flatMap((e) => waiting.get(e) ?? []))]
  if (waitsFor.length === 0) return { rule, waitsFor }
  const entities = rule.entities.filter((e) => !waiting.has(e))
  return entities.length ? { rule: { ...rule, entities }, waitsFor } : { waitsFor }
}
