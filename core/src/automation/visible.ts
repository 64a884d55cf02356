import type { PlumeApp } from '../kernel/types.js'
import { userFact } from '../permissions/engine.js'
import { visibleCopy } from '../permissions/fields.js'
import { engineOf } from '../permissions/hooks.js'

/**
 * A record as one user may read it — the permission layer's resolver (`get` decision, row
 * condition, hidden and guarded fields), as the realtime publisher applies it. `undefined`: the
 * user may not read that record at all. Used to build each recipient's message.
 * @example visibleTo(app, 'stockLevel', partnerUser, row) // row without reorderPoint
 */
export function visibleTo(app: PlumeApp, entity: string, user: unknown, record: unknown): unknown {
  const u = userFact(user)
  if (!u) return undefined
  const def = app.get('entities').get(entity)
  return visibleCopy(def, engineOf(app).decide(entity, 'get', u), record)
}

/**
 * The template context as one recipient may see it: every value held under a key whose entity
 * is known (`record`, `item`, …) goes through {@link visibleTo}; `null` when the recipient may not
 * read the record the message is about (the message is then not sent to them).
 */
export function contextFor(
  app: PlumeApp,
  user: unknown,
  context: Record<string, unknown>,
  entities: Record<string, string>,
): Record<string, unknown> | null {
  const out: Record<string, unknown> = { ...context }
  for (const [key, entity] of Object.entries(entities)) {
    const value = context[key]
    if (value === undefined || value === null) continue
    if (Array.isArray(value)) {
      out[key] = value.map((v) => visibleTo(app, entity, user, v)).filter((v) => v !== undefined)
      continue
    }
    const seen = visibleTo(app, entity, user, value)
    if (seen === undefined) {
      // the record the message is about is out of reach: nothing is sent
      if (key === 'record' || key === 'item') return null
      delete out[key]
    } else out[key] = seen
  }
  return out
}
