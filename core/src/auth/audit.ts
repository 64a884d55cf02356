import type { Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { PlumeApp } from '../kernel/types.js'
import { recordAuditEvent } from '../audit/record.js'

/** An authentication event for the audit trail. Secrets (passwords, tokens, keys) are never included. */
export interface AuthAuditEvent {
  action:
    | 'auth.login'
    | 'auth.login_failed'
    | 'auth.login_locked'
    | 'auth.refresh'
    | 'auth.refresh_reused'
    | 'auth.logout'
    | 'auth.sessions_revoked'
    | 'auth.api_key_used'
    | 'auth.password_changed'
    | 'auth.password_change_failed'
    | 'auth.password_reset'
    | 'auth.embed_session_created'
    | 'auth.embed_session_revoked'
  /** The user acting (or concerned); null when unknown (failed login for an unknown email). */
  actorId?: number | null
  apiKeyId?: number
  /** The email a login tried. */
  email?: string
  ip?: string
  details?: Record<string, unknown>
  /** The call's params (transport, address), when there is a call. */
  params?: Params
}

/**
 * The one place authentication writes to the audit trail (`recordAuditEvent`, entity
 * `authentication`). Inside `trx` the entry commits with the change; outside, a failing audit
 * write is logged and does not turn a login into an error.
 */
export async function auditAuth(app: PlumeApp, event: AuthAuditEvent, trx?: Knex.Transaction): Promise<void> {
  const { email, ...rest } = event
  const entry = {
    entity: 'authentication',
    ...rest,
    ...(email !== undefined ? { email: email.slice(0, 254) } : {}),
  }
  if (trx) return recordAuditEvent(app, entry, trx)
  try {
    await recordAuditEvent(app, entry)
  } catch (err) {
    app.get('logger')?.warn({ err, action: event.action }, 'audit of an authentication event failed')
  }
}
