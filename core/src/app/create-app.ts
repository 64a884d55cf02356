import { NotFound } from '@feathersjs/errors'
import { feathers, type HookContext } from '@feathersjs/feathers'
import { bodyParser, koa, rest, cors } from '@feathersjs/koa'
import socketio from '@feathersjs/socketio'
import type { EntityDefinition } from '@plume/metadata'
import type { Knex } from 'knex'
import { pino, type Logger } from 'pino'
import type { Database } from '../kernel/database.js'
import { settingsFromEnv, type EnvSettings } from '../kernel/settings.js'
import { servicePath } from '../kernel/paths.js'
import { errorHandler } from '../errors/handler.js'
import { EntityService, type Row } from '../service/entity-service.js'
import { lockRow } from '../service/locked-row.js'
import { BULK_EVENT } from '../service/bulk.js'
import {
  authEntityHooks,
  authWriteGuards,
  requireAuth,
  setupAuthentication,
  setupSessions,
  socketClientIp,
  jwtSecret,
} from '../auth/setup.js'
import { clientSafeErrors, transaction, validateData } from './hooks.js'
import { rejectNulText, rethrowBodyError } from './client-input.js'
import { hardenRoutes } from './route-table.js'
import { systemRoutes } from './routes.js'
import { authorizeHooks, readAccess, setupPermissions } from '../permissions/index.js'
import { auditHooks, setupAudit } from '../audit/index.js'
import { setupRealtime } from './realtime.js'
import { setupOps } from '../ops/index.js'
import { adminStatic } from './admin-static.js'
import { sdkStatic, setupEmbed } from '../embed/index.js'
import { setupMetaService } from './meta-service.js'
import { hasPluginHooks, pluginHooks } from '../plugins/dispatch.js'
import { automationEvents, automationHook, setupAutomation } from '../automation/index.js'
import type { AroundHook, PlumeApp } from '../kernel/types.js'

export interface CreateAppOptions {
  db: Database
  entities: Map<string, EntityDefinition>
  logger?: Logger
  /** `PLUME_JWT_SECRET`; generated and kept in the database when absent. */
  jwtSecret?: string
  accessTokenTtl?: string
  paginate?: { default: number; max: number }
  version?: string
  /** Settings otherwise read from the environment (`settingsFromEnv`). */
  env?: EnvSettings
}

export { servicePath }

/**
 * Registers the generic service of one entity with the app-level hooks every entity gets:
 * authentication → (permissions) → transaction → validation → plugin hooks (enabled plugins, run time) → SQL.
 * Reads get only what applies to them (no transaction, audit, validation or automation layer):
 * the hot path of every screen and widget stays short.
 */
export function registerEntityService(
  app: PlumeApp,
  entity: EntityDefinition,
  around: AroundHook[] = [],
): EntityService {
  const paginate = app.get('paginate')
  const service = new EntityService(app.get('db').knex, entity, {
    defaultLimit: paginate.default,
    maxLimit: paginate.max,
  })
  // `$titles` on a find: targets as registered now, read under the caller's rights on each
  service.titles = {
    entity: (name) => app.get('entities').get(name),
    access: (params, name) => readAccess(app, params, name),
  }
  const path = servicePath(entity)
  // `imported`: the one event of a large bulk write (service/bulk.ts)
  app.use(path, service, {
    methods: ['find', 'get', 'create', 'update', 'patch', 'remove'],
    events: [BULK_EVENT],
  })
  const authorizing = authorizeHooks(app, entity)
  const audit = auditHooks(app, entity)
  // after-rules run once the whole write is done (plugin hooks included), on the row as it will commit:
  // read without hooks, with the mounted service as `this` (it holds the encryption codec)
  const stored = (id: number, trx: Knex | Knex.Transaction, forUpdate = false) =>
    service.get
      .call(app.service(path), id, { transaction: trx as Knex.Transaction, forUpdate })
      .catch((err: unknown) => (err instanceof NotFound ? undefined : Promise.reject(err as Error)))
  const entityHooks = authEntityHooks(entity)
  // the record a write returned is the one that commits when no hook after it may write the row again
  const settled = (context: HookContext, record: Row) =>
    entityHooks.length === 0 &&
    around.length === 0 &&
    !hasPluginHooks(app.get('plugins'), entity.name, context.method) &&
    service.columns.every((c) => c in record)
  // a single-record write locks its row once, inside the transaction: the permission check (on the
  // locked row), the audit trail and the automation rules all take that row
  const write: AroundHook[] = [
    clientSafeErrors(),
    requireAuth(),
    ...authWriteGuards(entity),
    transaction(),
    lockRow((id, trx) => stored(id, trx, true)),
    ...authorizing,
    automationEvents(app, stored, settled),
    ...audit.all,
    validateData(entity),
    ...entityHooks,
    pluginHooks(entity.name),
    automationHook(app, entity, stored),
    ...around,
  ]
  const read: AroundHook[] = [
    clientSafeErrors(),
    requireAuth(),
    ...authorizing,
    ...audit.reads,
    ...entityHooks,
    pluginHooks(entity.name),
    ...around,
  ]
  app
    .service(path)
    .hooks({ around: { find: read, get: read, create: write, update: write, patch: write, remove: write } })
  return service
}

/**
 * Builds the Feathers + Koa application for a set of entities on an open database.
 * @example const app = await createApp({ db, entities }); await app.listen(3030)
 */
export async function createApp(opts: CreateAppOptions): Promise<PlumeApp> {
  const app = koa(feathers()) as unknown as PlumeApp
  hardenRoutes(app)
  const env = opts.env ?? settingsFromEnv()
  const logger = opts.logger ?? pino({ level: env.logLevel })
  app.set('db', opts.db)
  app.set('entities', opts.entities)
  app.set('logger', logger)
  app.set('ready', false)
  app.set('version', opts.version ?? '0.1.0')
  app.set('paginate', opts.paginate ?? { default: 25, max: 500 })
  if (env.encryptionKeys) app.set('encryptionKeys', env.encryptionKeys)
  if (env.revealRoles) app.set('revealRoles', env.revealRoles)
  if (env.smtpUrl) app.set('smtpUrl', env.smtpUrl)
  app.use(errorHandler(logger))
  app.use(
    cors({
      // no Origin, no CORS headers: only browsers on other sites need them
      origin: (ctx) => ctx.get('Origin'),
      allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Api-Key', 'X-Request-Id'],
      // embedding sites need these to correlate requests and to back off on 429
      exposeHeaders: ['X-Request-Id', 'Retry-After', 'Content-Disposition'],
    }),
  )
  app.use(systemRoutes(app))
  app.use(adminStatic())
  app.use(sdkStatic())
  app.use(bodyParser({ jsonLimit: '1mb', formLimit: '1mb', textLimit: '1mb', onError: rethrowBodyError }))
  // X-Forwarded-For is believed only behind a proxy that sets it (PLUME_TRUST_PROXY=1);
  // the client address reaches params through the request context (audit/request.ts)
  app.proxy = env.trustProxy
  // naming the service spares Feathers a scan of every registered service on every request
  app.configure(rest({ authentication: { service: 'api/authentication' } }))
  app.configure(socketio({ cors: { origin: true } }, (io) => io.use(socketClientIp(app))))
  app.hooks({ around: { all: [rejectNulText()] } })
  await setupAuthentication(app, await jwtSecret(app, opts.jwtSecret), opts.accessTokenTtl)
  await setupPermissions(app)
  await setupAudit(app)
  await setupAutomation(app)
  app.set('mountEntity', (entity) => {
    registerEntityService(app, entity)
  })
  for (const entity of opts.entities.values()) registerEntityService(app, entity)
  setupMetaService(app)
  setupSessions(app)
  await setupEmbed(app)
  setupRealtime(app)
  setupOps(app)
  return app
}
