import type { EntityDefinition } from '@plume/metadata'
import type { AroundHook, PlumeApp } from '../kernel/types.js'
import { encryptedFields } from '../crypto/fields.js'
import { fieldCodec } from '../crypto/fields.js'
import { loadKeyRing } from '../crypto/keyring.js'
import { EntityService } from '../service/entity-service.js'
import { auditTrail, protectEncrypted } from './hooks.js'
import { loadAuditMasker } from './mask.js'
import { installRequestContext } from './request.js'
import { ensureAuditSchema } from './schema.js'
import { mountAuditServices } from './service.js'
import { auditState, parseRoles, type AuditState } from './state.js'

export { recordAuditEvent, appendAuditEvent, auditScope, requestInfo } from './record.js'
export type { AuditEvent, AuditVia, RequestInfo } from './record.js'
export { auditedAction } from './action.js'
export type { AuditedAction } from './action.js'
export { verifyAuditChain } from './verify.js'
export { auditAdminChange, auditRuleChange } from './admin.js'
export type { AdminChange } from './admin.js'
export type { ChainReport, TamperReason } from './verify.js'
export { AuditService, DEFAULT_AUDIT_ROLES } from './service.js'
export type { AuditRecord } from './service.js'
export { canonicalJson, rowHash, GENESIS_HASH } from './canonical.js'
export {
  AUDIT_TABLE,
  AUDIT_HEAD_TABLE,
  AUDIT_PENDING_TABLE,
  AUDIT_TRIGGER,
  AUDIT_SEAL_TRIGGER,
  AUDIT_LOCK_KEY,
  ensureAuditSchema,
} from './schema.js'
export { SECRET, fieldChanges } from './mask.js'
export { auditState, revealRoles } from './state.js'
export type { AuditState } from './state.js'

/**
 * Called once by createApp before any entity service is registered: creates the audit table,
 * loads the masking and encryption keys (`PLUME_ENCRYPTION_KEYS`, or `app.set('encryptionKeys')`
 * before this runs), adds request ids and client addresses to params, mounts `api/audit`.
 */
export async function setupAudit(app: PlumeApp): Promise<void> {
  const { knex } = app.get('db')
  const entities = app.get('entities')
  await ensureAuditSchema(knex)
  const masker = await loadAuditMasker(knex)
  const anyEncrypted = [...entities.values()].some((e) => encryptedFields(e).length > 0)
  const configured = app.get('encryptionKeys')
  const ring = await loadKeyRing(knex, configured, (msg) => {
    if (anyEncrypted) app.get('logger').warn(msg)
  })
  const state: AuditState = {
    masker,
    ring,
    encryptedFields: new Map(),
    revealRoles: parseRoles(app.get('revealRoles')?.join(',')),
  }
  app.set('audit', state)
  installRequestContext(app)
  mountAuditServices(app)
}

/**
 * Audit hooks of one entity service (run inside the write transaction): encrypted-field guard
 * (query refusal, masking for roles without reveal) outside, the audit trail inside. Also gives
 * the service its encryption codec. `all` is the chain for writes, `reads` for find and get.
 */
export function auditHooks(
  app: PlumeApp,
  entity: EntityDefinition,
): { all: AroundHook[]; reads: AroundHook[] } {
  const state = auditState(app)
  const encrypted = encryptedFields(entity)
  if (!encrypted.length) return { all: [auditTrail(app, entity, encrypted)], reads: [] }
  state.encryptedFields.set(entity.name, encrypted)
  const service: unknown = app.service(`api/${entity.plural}`)
  if (service instanceof EntityService) service.codec = fieldCodec(encrypted, state.ring)
  const guard = protectEncrypted(app, encrypted)
  return { all: [guard, auditTrail(app, entity, encrypted)], reads: [guard] }
}
