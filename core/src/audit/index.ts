import type { EntityDefinition } from '@plume/metadata'
import type { AroundHook, PlumeApp } from '../app/types.js'

/** Called once by createApp before any entity service is registered. */
export async function setupAudit(_app: PlumeApp): Promise<void> {}

/** Audit hooks of one entity service (run inside the write transaction). */
export function auditHooks(_app: PlumeApp, _entity: EntityDefinition): AroundHook[] {
  return []
}
