import { Forbidden } from '@feathersjs/errors'
import { readAccess, type PlumeApp, type ReadAccess, type RowScope } from '@plume/core'
import type { EntityDefinition } from '@plume/metadata'

/** What the caller may read of one entity: a row scope for SQL and the fields hidden from them. */
export interface EntityAccess {
  scope?: RowScope
  hidden: ReadonlySet<string>
}

/** The caller's read access to an entity (decided before the query is built); throws 403 when none. */
export type AccessOf = (entity: EntityDefinition) => EntityAccess

interface Caller {
  provider?: string
  user?: unknown
}

/**
 * The caller's `find` access to every entity, decided by the core exactly as the entity services
 * decide it (`readAccess`): internal calls are trusted; for external ones the grants' row
 * condition is the `scope`, and `hidden` holds the fields hidden by every grant plus those visible
 * on some rows only (a report cannot strip a field per row once it is aggregated: fail closed).
 * An entity the caller may not read is refused (403) only when the report reads it.
 * @example const access = await accessFor(app, params); const { scope, hidden } = access(orderEntity)
 */
export async function accessFor(app: PlumeApp, params: Caller): Promise<AccessOf> {
  const names = [...app.get('entities').keys()]
  // decisions are cached by the engine: a few microseconds per entity
  const decided = new Map<string, ReadAccess>(
    await Promise.all(names.map(async (n) => [n, await readAccess(app, params, n)] as const)),
  )
  return (entity) => {
    const a = decided.get(entity.name)
    if (!a?.allowed)
      throw new Forbidden(a?.reason ?? `You may not find ${entity.name}`, {
        entity: entity.name,
        action: 'find',
      })
    return a
  }
}
