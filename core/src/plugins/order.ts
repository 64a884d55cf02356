/** Dependency order of plugins: a topological sort that names cycles and missing plugins. */

/** Thrown when plugins cannot be ordered; start-up stops with this message. */
export class PluginDependencyError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PluginDependencyError'
  }
}

export interface Dependent {
  name: string
  dependsOn?: readonly string[]
}

/**
 * Orders plugins so that every plugin comes after the plugins it depends on. Ties keep the
 * order given, so the result is deterministic.
 * @example orderPlugins([{ name: 'orders', dependsOn: ['crm'] }, { name: 'crm' }]).map((p) => p.name) // ['crm', 'orders']
 * @throws PluginDependencyError `Plugin cycle: a → b → a` or `Plugin "orders" depends on "inventory", which is not installed`
 */
export function orderPlugins<T extends Dependent>(plugins: readonly T[]): T[] {
  const byName = new Map<string, T>()
  for (const p of plugins) byName.set(p.name, p)
  for (const p of plugins) {
    for (const dep of p.dependsOn ?? []) {
      if (!byName.has(dep))
        throw new PluginDependencyError(`Plugin "${p.name}" depends on "${dep}", which is not installed`)
    }
  }
  const done = new Set<string>()
  const out: T[] = []
  const visit = (p: T, path: string[]): void => {
    if (done.has(p.name)) return
    const at = path.indexOf(p.name)
    if (at >= 0) throw new PluginDependencyError(`Plugin cycle: ${[...path.slice(at), p.name].join(' → ')}`)
    for (const dep of p.dependsOn ?? []) visit(byName.get(dep)!, [...path, p.name])
    done.add(p.name)
    out.push(p)
  }
  for (const p of plugins) visit(p, [])
  return out
}

/**
 * Every plugin that depends on `name`, directly or through others, in dependency order.
 * @example dependentsOf(ordered, 'crm') // [orders, invoicing]
 */
export function dependentsOf<T extends Dependent>(ordered: readonly T[], name: string): T[] {
  const hit = new Set([name])
  const out: T[] = []
  for (const p of ordered) {
    if ((p.dependsOn ?? []).some((d) => hit.has(d))) {
      hit.add(p.name)
      out.push(p)
    }
  }
  return out
}
