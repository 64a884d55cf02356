import type { PlumeApp } from '../kernel/types.js'
import { clientSafeErrors } from '../app/hooks.js'
import { authRuntime } from '../auth/runtime.js'
import { requireAuth } from '../auth/session.js'
import { EmbedRateLimit, embedGate } from './gate.js'
import { EmbedSessionAuthenticator, isEmbedToken } from './sessions.js'
import { embedSessionService } from './service.js'
import { ensureEmbedTables } from './tables.js'
import { embedPublisher, setupEmbedRealtime } from './realtime.js'
import { setupOrderTracking } from './tracking.js'
import { addPublisher } from '../app/realtime.js'

export { EMBED_SCOPES, PUBLISHABLE_SCOPES, allowedByScopes, type EmbedScope } from './scopes.js'
export { sdkStatic, SDK_DIST } from './static.js'

export const EMBED_SESSIONS_PATH = 'api/embed-sessions'

/** Requests per minute per publishable key or session (`PLUME_EMBED_RATE_LIMIT`, default 600). */
export const embedRateLimit = (env: NodeJS.ProcessEnv = process.env) => {
  const v = env.PLUME_EMBED_RATE_LIMIT
  return v && /^\d+$/.test(v) && Number(v) > 0 ? Number(v) : 600
}

/**
 * Embedding (docs/sdk.md, "Keys and embed sessions"): the embed session table, the session
 * authenticator and scope gate that `requireAuth` calls, and `api/embed-sessions`.
 * Needs authentication and the `apiKey` entity; without that entity nothing is mounted.
 * @example await setupEmbed(app)
 */
export async function setupEmbed(app: PlumeApp, rateLimit = embedRateLimit()): Promise<void> {
  const apiKey = app.get('entities').get('apiKey')
  if (!apiKey) return
  await ensureEmbedTables(app.get('db').knex)
  const runtime = authRuntime(app)
  const sessions = new EmbedSessionAuthenticator(app, runtime, apiKey.table)
  runtime.embed = {
    isToken: isEmbedToken,
    authenticate: (t, o) => sessions.authenticate(t, o),
    gate: embedGate(app, new EmbedRateLimit(rateLimit)),
  }
  runtime.revocations.onRevoked((kind) => {
    if (kind === 'apiKey' || kind === 'embedSession') sessions.forget()
  })
  app.use(
    EMBED_SESSIONS_PATH,
    embedSessionService(app, runtime, apiKey.table, app.get('entities').get('customer')?.table),
    { methods: ['create', 'find', 'remove'] },
  )
  app.service(EMBED_SESSIONS_PATH).hooks({ around: { all: [clientSafeErrors(), requireAuth()] } })
  setupEmbedRealtime(app, runtime, sessions)
  addPublisher(app, embedPublisher(app, runtime))
  setupOrderTracking(app)
}
