import type { AuditState } from './state.js'

/** The settings the audit trail keeps on the app. */
declare module '../kernel/settings.js' {
  interface PlumeSettings {
    audit?: AuditState
  }
}
