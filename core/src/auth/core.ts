import type { Knex } from 'knex'
import type { AuthAuditEvent } from './audit.js'
import type { AuthConfig } from './config.js'
import type { RevocationLog } from './revocations.js'

/**
 * The part of the authentication runtime its components (sessions, API keys, refresh tokens)
 * lean on. They take this, not `AuthRuntime`, so that the runtime may hold them without an
 * import circle.
 */
export interface AuthCore {
  config: AuthConfig
  revocations: RevocationLog
  audit(event: AuthAuditEvent, trx?: Knex.Transaction): Promise<void>
}
