/** The roles a user or key may hold, as the server's schema lists them, with their names. */
import type { EntityMeta } from '../../types/meta'

/**
 * The `roles` enum of an entity's record schema (`api/meta`), e.g. the user's.
 * @example rolesOf(meta.byName.get('user')) // ['admin', 'sales_manager', …]
 */
export function rolesOf(entity: EntityMeta | undefined): string[] {
  const roles = (entity?.schema.properties as Record<string, { items?: { enum?: unknown[] } }> | undefined)
    ?.roles
  return (roles?.items?.enum ?? []).filter((r): r is string => typeof r === 'string')
}
