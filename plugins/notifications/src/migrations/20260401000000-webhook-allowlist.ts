import type { PluginMigration } from '@plume/core'
import { ensureAllowlist } from '../webhooks/allowlist.js'

/** The webhook host allowlist table (`plume_webhook_allowlist`). */
export const webhookAllowlistMigration: PluginMigration = {
  name: '20260401000000-webhook-allowlist',
  up: (_ctx, trx) => ensureAllowlist(trx),
}
