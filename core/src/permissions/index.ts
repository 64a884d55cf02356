import type { EntityDefinition } from '@plume/metadata'
import type { AroundHook, PlumeApp } from '../app/types.js'

/** Called once by createApp before any entity service is registered. */
export async function setupPermissions(_app: PlumeApp): Promise<void> {}

/** The authorization hooks of one entity service (run after authentication). */
export function authorizeHooks(_app: PlumeApp, _entity: EntityDefinition): AroundHook[] {
  return []
}
