import type { PlumeApp } from '../kernel/types.js'
import { DEFAULT_REVEAL_ROLES } from '../crypto/fields.js'
import type { KeyRing } from '../crypto/keyring.js'
import type { AuditMasker } from './mask.js'

/** What setupAudit keeps on the app (`app.get('audit')`). */
export interface AuditState {
  masker: AuditMasker
  ring: KeyRing
  /** Encrypted field names per entity name (for the admin UI, OpenAPI, realtime publishers). */
  encryptedFields: Map<string, readonly string[]>
  /** From `PLUME_REVEAL_ROLES`, else the defaults; `app.set('revealRoles', [...])` overrides at run time. */
  revealRoles: readonly string[]
}

export function auditState(app: PlumeApp): AuditState {
  const state = app.get('audit')
  if (!state) throw new Error('the audit trail is not set up: call setupAudit(app) first')
  return state
}

/** Roles that see encrypted fields in clear. */
export function revealRoles(app: PlumeApp): readonly string[] {
  return app.get('revealRoles') ?? auditState(app).revealRoles
}

export const parseRoles = (text: string | undefined): readonly string[] =>
  text && text.trim()
    ? text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : DEFAULT_REVEAL_ROLES
