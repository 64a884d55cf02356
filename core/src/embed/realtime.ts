/**
 * Live order events for embed sessions (docs/sdk.md, "Live order status"). A widget's socket
 * signs in with `create('api/embed-realtime', { token: 'pes_…' })`; a session with `orders:read`
 * (or `orders:read:own-customer`) then receives `api/orders created/patched/…` for its partner's
 * orders (its one customer's), with the fields a REST `get` would show it. The socket can call
 * no service (it holds no login); it is disconnected when the session expires or is revoked, or
 * its secret key is, and signs in again with a renewed token on the same socket.
 */
import { BadRequest, Forbidden, MethodNotAllowed } from '@feathersjs/errors'
import type { HookContext, Params } from '@feathersjs/feathers'
import { Channel } from '@feathersjs/transport-commons'
import type { ServiceDocs } from '../app/openapi/types.js'
import type { PlumeApp } from '../kernel/types.js'
import type { ApiKeyPrincipal } from '../auth/session.js'
import type { AuthRuntime } from '../auth/runtime.js'
import { userFact } from '../permissions/engine.js'
import { engineOf } from '../permissions/hooks.js'
import { visibleCopy } from '../permissions/fields.js'
import { masked } from '../permissions/publish.js'
import { encryptedFields, withClearValues } from '../crypto/fields.js'
import { revealRoles } from '../audit/state.js'
import { clientSafeErrors } from '../app/hooks.js'
import type { EmbedSessionAuthenticator } from './sessions.js'

export const EMBED_REALTIME_PATH = 'api/embed-realtime'
/** Services whose events an embed session hears, and the entity each is. */
const LIVE: Record<string, string> = { 'api/orders': 'order' }
const LIVE_SCOPES = ['orders:read', 'orders:read:own-customer']
const CHANNEL = 'embed'

interface EmbedLink {
  principal: ApiKeyPrincipal
  sessionId: number
  expiresAt: number
  timer: ReturnType<typeof setTimeout>
}
type Connection = { headers?: Record<string, unknown>; embed?: EmbedLink }

const header = (c: Connection, name: string) => {
  const v = c.headers?.[name]
  return typeof v === 'string' ? v : undefined
}

/** Ends a connection's embed link and closes its socket (socket.io: 'io server disconnect'). */
function drop(app: PlumeApp, connection: Connection): void {
  if (!connection.embed) return
  clearTimeout(connection.embed.timer)
  delete connection.embed
  app.channel(app.channels).leave(connection as never)
  app.emit('disconnect', connection)
}

/** Whether the link is still good (checked again at each event: fail closed). */
function live(runtime: AuthRuntime, link: EmbedLink): boolean {
  const log = runtime.revocations
  return (
    link.expiresAt > Date.now() &&
    !log.has('embedSession', String(link.sessionId)) &&
    !log.has('apiKey', String(link.principal.apiKeyId))
  )
}

/** `api/embed-realtime`: signs a socket in with an embed session token (sockets only). */
const docs: ServiceDocs = {
  tag: 'Embedding',
  description:
    "Live order events for a widget's socket. Over socket.io only: `socket.emit('create', 'api/embed-realtime', { token: 'pes_…' }, ack)`; REST answers 405.",
  operations: {
    create: {
      summary: 'Sign a socket in to live order events with an embed session (socket.io only)',
      public: true,
      body: {
        type: 'object',
        required: ['token'],
        properties: { token: { type: 'string', description: 'An embed session token (`pes_…`)' } },
      },
      result: {
        type: 'object',
        properties: {
          sessionId: { type: 'integer' },
          partnerId: { type: 'integer' },
          customerId: { type: ['integer', 'null'] },
          expiresAt: { type: 'string', format: 'date-time' },
        },
      },
      errors: {
        401: 'The session is invalid, expired or revoked',
        403: 'The origin is not listed, or the session has no orders:read scope',
        405: 'Called over REST',
      },
    },
  },
}

function signInService(app: PlumeApp, sessions: EmbedSessionAuthenticator) {
  return {
    docs,
    async create(data: unknown, params: Params & { connection?: Connection }) {
      const connection = params.connection
      if (params.provider !== 'socketio' || !connection)
        throw new MethodNotAllowed('Sign in to live events over the socket (socket.io), not REST')
      const token = (data as { token?: unknown } | null)?.token
      if (typeof token !== 'string' || !token)
        throw new BadRequest('Invalid data: token is required', {
          errors: [{ path: '/token', message: 'must be an embed session token (pes_…)' }],
        })
      const principal = await sessions.authenticate(token, header(connection, 'origin'))
      const grant = principal.embed!
      if (!grant.scopes.some((s) => LIVE_SCOPES.includes(s)))
        throw new Forbidden(
          `This embed session may not hear order events (scopes: ${grant.scopes.join(', ')})`,
        )
      const row = (await app
        .get('db')
        .knex('plume_embed_sessions')
        .where({ id: grant.sessionId })
        .first('expires_at')) as { expires_at: Date | string }
      const expiresAt = new Date(row.expires_at).getTime()
      if (connection.embed) clearTimeout(connection.embed.timer)
      app.channel(app.channels).leave(connection as never)
      connection.embed = {
        principal,
        sessionId: grant.sessionId!,
        expiresAt,
        timer: setTimeout(() => drop(app, connection), Math.max(0, expiresAt - Date.now())),
      }
      app.channel(CHANNEL).join(connection as never)
      return {
        sessionId: grant.sessionId,
        partnerId: principal.partnerId,
        customerId: grant.customerId,
        expiresAt: new Date(expiresAt).toISOString(),
      }
    },
  }
}

/**
 * The publisher for embed connections: each hears an event on a live service if its session is
 * still good, the record is its partner's (its customer's), and the permission rules of its
 * principal let it `get` the record — with the fields such a `get` would show.
 */
export function embedPublisher(app: PlumeApp, runtime: AuthRuntime) {
  return (data: unknown, context: HookContext): Channel[] => {
    const entityName = LIVE[context.path]
    const connections = app.channel(CHANNEL).connections as Connection[]
    if (!entityName || !connections.length) return []
    const entity = app.get('entities').get(entityName)
    const record = withClearValues(data) as Record<string, unknown> | null
    if (!entity || !record || typeof record !== 'object') return []
    const encrypted = encryptedFields(entity)
    const reveal = encrypted.length ? revealRoles(app) : []
    const out: Channel[] = []
    for (const connection of connections) {
      const link = connection.embed
      try {
        if (!link || !live(runtime, link)) {
          drop(app, connection)
          continue
        }
        const { principal } = link
        const customerId = principal.embed?.customerId ?? null
        if (Number(record.partnerId) !== principal.partnerId) continue
        if (customerId !== null && Number(record.customerId) !== customerId) continue
        const user = userFact(principal)
        if (!user) continue
        const decision = engineOf(app).decide(entityName, 'get', user)
        const payload = masked(visibleCopy(entity, decision, record), encrypted, principal.roles, reveal)
        if (payload !== undefined) out.push(new Channel([connection as never], payload))
      } catch {
        // anything unexpected: this connection gets nothing (fail closed)
      }
    }
    return out
  }
}

/** Mounts `api/embed-realtime` and disconnects sockets whose session or key is revoked. */
export function setupEmbedRealtime(app: PlumeApp, runtime: AuthRuntime, sessions: EmbedSessionAuthenticator) {
  app.use(EMBED_REALTIME_PATH, signInService(app, sessions), { methods: ['create'] })
  app.service(EMBED_REALTIME_PATH).hooks({ around: { all: [clientSafeErrors()] } })
  runtime.revocations.onRevoked((kind, value) => {
    if (kind !== 'embedSession' && kind !== 'apiKey') return
    for (const c of [...app.channel(CHANNEL).connections] as Connection[]) {
      const link = c.embed
      if (!link) continue
      if (
        kind === 'embedSession' ? String(link.sessionId) === value : String(link.principal.apiKeyId) === value
      )
        drop(app, c)
    }
  })
  app.on('disconnect', (connection: Connection) => {
    if (connection?.embed) clearTimeout(connection.embed.timer)
  })
}
