import { randomBytes } from 'node:crypto'
import type { Server } from 'node:http'
import { ENTITIES_DIR, loadEntityFiles, type EntityDefinition } from '@plume/metadata'
import type { Logger } from 'pino'
import { connectDatabase, type Database, type DatabaseOptions } from './db/connect.js'
import { migrate } from './db/migrate/index.js'
import { createApp } from './app/create-app.js'
import { listenApp } from './ops/server.js'
import { createLogger, migrationLog } from './ops/log.js'
import type { PlumeApp } from './kernel/types.js'
import { loadPlugins, startPlugins, type PluginDefinition } from './plugins/index.js'
import { loadModel, setupMetadataApi } from './metadata-api/index.js'

export interface PlatformOptions {
  database?: DatabaseOptions
  /** Folders of entity JSON files; defaults to `metadata/entities`. */
  entityDirs?: string[]
  /** Extra entity sources (plugins, tests): `{ source, raw }` as the loader takes them. */
  extraEntities?: Array<{ source: string; raw: unknown }>
  admin?: { email?: string; password?: string }
  jwtSecret?: string
  accessTokenTtl?: string
  confirmDestructive?: boolean
  logger?: Logger
  /** Plugins besides the discovered ones: definitions, module paths or npm package names. */
  plugins?: Array<PluginDefinition | string>
  /** Folders of plugin packages; defaults to `<repo>/plugins` (`PLUME_PLUGINS=a,b` restricts them). */
  pluginDirs?: string[]
  /** Seed demo data for newly installed plugins; default true, `PLUME_DEMO=0` turns it off. */
  demo?: boolean
}

export interface Platform {
  app: PlumeApp
  db: Database
  entities: Map<string, EntityDefinition>
  /** Set when a first admin was created with a generated password (print it once). */
  generatedAdminPassword?: string
  listen(port?: number, host?: string): Promise<Server>
  close(): Promise<void>
}

/**
 * Creates the whole platform: database, entities, migrations, services, first admin.
 * @example const { app, listen } = await createPlatform({ database: { dataDir: 'memory' } })
 */
export async function createPlatform(opts: PlatformOptions = {}): Promise<Platform> {
  // JSON lines, or short human lines on a terminal (PLUME_LOG_FORMAT)
  const logger = opts.logger ?? createLogger()
  const plugins = await loadPlugins({
    plugins: opts.plugins,
    pluginDirs: opts.pluginDirs,
    only: process.env.PLUME_PLUGINS,
  })
  const pluginEntities = plugins.flatMap((p) => p.entitySources)
  // the files, then the definitions stored through the API (custom entities, customizations)
  const fileSources = [
    ...loadEntityFiles(opts.entityDirs ?? [ENTITIES_DIR]),
    ...(opts.extraEntities ?? []),
    ...pluginEntities,
  ]
  const db = await connectDatabase({ warn: (msg) => logger.warn(msg), ...opts.database })
  let loaded: Awaited<ReturnType<typeof loadModel>>
  let entities: Map<string, EntityDefinition>
  try {
    loaded = await loadModel(db.knex, fileSources)
    entities = loaded.model.entities
    await migrate(db.knex, [...entities.values()], {
      confirmDestructive: opts.confirmDestructive,
      log: migrationLog(logger),
    })
  } catch (err) {
    await db.close()
    throw err
  }
  const app = await createApp({
    db,
    entities,
    logger,
    jwtSecret: opts.jwtSecret,
    accessTokenTtl: opts.accessTokenTtl,
  })
  setupMetadataApi(app, fileSources, loaded)
  const generatedAdminPassword = await ensureFirstAdmin(app, opts.admin)
  await startPlugins(app, plugins, { demo: opts.demo ?? process.env.PLUME_DEMO !== '0' })
  app.set('ready', true)
  let server: Server | undefined
  return {
    app,
    db,
    entities,
    generatedAdminPassword,
    async listen(port = 3030, host = '127.0.0.1') {
      // HTTPS when PLUME_TLS_CERT / PLUME_TLS_KEY are set (docs/operations.md)
      server = await listenApp(app, port, host)
      // outlive clients' and load balancers' idle timeouts so nobody reuses a socket we just closed
      server.keepAliveTimeout = 65_000
      server.headersTimeout = 66_000
      return server
    },
    async close() {
      if (server) await app.teardown()
      await db.close()
    },
  }
}

/** On an empty users table, creates the first admin (generating a password if none is given). */
export async function ensureFirstAdmin(
  app: PlumeApp,
  admin: { email?: string; password?: string } = {},
): Promise<string | undefined> {
  const { knex } = app.get('db')
  const row = (await knex('users').count({ c: '*' }).first()) as { c: string | number } | undefined
  if (Number(row?.c ?? 0) > 0) return undefined
  const generated = admin.password ? undefined : randomBytes(12).toString('base64url')
  await app.service('api/users').create({
    email: admin.email ?? 'admin@plume.local',
    name: 'Administrator',
    password: admin.password ?? generated,
    roles: ['admin'],
    locale: 'en',
    active: true,
  })
  return generated
}
