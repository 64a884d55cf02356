import type { HookContext, NextFunction } from '@feathersjs/feathers'

type Level = Record<string, unknown>

function decorate(row: unknown): void {
  if (!row || typeof row !== 'object') return
  const r = row as Level
  // only when both figures were selected: a `$select` without them gets no guess
  if (typeof r.onHand === 'number' && typeof r.reserved === 'number') r.available = r.onHand - r.reserved
}

/**
 * Adds `available` (= onHand − reserved) to stock levels returned by find and get.
 * @example hooks: { stockLevel: { find: [addAvailable()], get: [addAvailable()] } }
 */
export const addAvailable = () => async (context: HookContext, next: NextFunction) => {
  await next()
  const result = context.result as unknown
  if (Array.isArray(result)) result.forEach(decorate)
  else if (result && typeof result === 'object' && Array.isArray((result as { data?: unknown }).data))
    (result as { data: unknown[] }).data.forEach(decorate)
  else decorate(result)
}
