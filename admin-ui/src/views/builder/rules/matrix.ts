/** What the matrix shows for one (role, entity, action): from the enabled permission rules, read-only. */
import type { StoredRule } from './api'

export interface Cell {
  /** allow: every row; rows: some rows; deny: a deny rule; none: no rule. */
  state: 'allow' | 'rows' | 'deny' | 'none'
  rules: StoredRule[]
}

/** Roles a condition tree asks for (`user.roles contains x` anywhere); empty: no role condition. */
function rolesIn(node: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => rolesIn(n, out))
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>
    if (o.fact === 'user' && o.path === '$.roles' && o.operator === 'contains' && typeof o.value === 'string')
      out.add(o.value)
    for (const k of ['all', 'any', 'not']) if (k in o) rolesIn(o[k], out)
  }
  return out
}

/** Whether a rule concerns a role: it names it, or names no role at all (user facts only). */
export const appliesTo = (r: StoredRule, role: string): boolean => {
  const roles = rolesIn(r.definition.conditions, new Set())
  return roles.size === 0 || roles.has(role)
}

const covers = (list: string[], x: string) => list.includes('*') || list.includes(x)

export function cellOf(rules: StoredRule[], role: string, entity: string, action: string): Cell {
  const hits = rules.filter(
    (r) =>
      r.enabled &&
      covers(r.definition.entities, entity) &&
      covers(r.definition.actions, action) &&
      appliesTo(r, role),
  )
  const allows = hits.filter((r) => r.definition.effect === 'allow')
  const roleDeny = hits.some(
    (r) => r.definition.effect === 'deny' && rolesIn(r.definition.conditions, new Set()).has(role),
  )
  const state = roleDeny
    ? 'deny'
    : allows.some((r) => !r.definition.row)
      ? 'allow'
      : allows.length
        ? 'rows'
        : 'none'
  return { state, rules: hits }
}
