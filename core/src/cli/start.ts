import type { AddressInfo } from 'node:net'
import { DefinitionLoadError } from '@plume/metadata'
import { databaseOptionsFromEnv } from '../db/connect.js'
import { createPlatform } from '../platform.js'
import { PluginLoadError } from '../plugins/discover.js'
import { unsupportedNode } from './node-version.js'
import { ProjectConfigError, readProjectConfig } from './project-config.js'

/** Errors whose message says everything: printed without a stack trace. */
const PLAIN_ERRORS = ['DestructiveChangeError', 'PluginDependencyError']

/**
 * `npm start`: configuration comes from the environment and `plume.config.json` in the working
 * directory (see README).
 */
async function main(): Promise<void> {
  const env = process.env
  const nodeProblem = unsupportedNode(process.versions.node)
  if (nodeProblem) {
    console.error(nodeProblem)
    process.exit(1)
  }
  const config = readProjectConfig()
  const platform = await createPlatform({
    database: databaseOptionsFromEnv(env),
    admin: { email: env.PLUME_ADMIN_EMAIL, password: env.PLUME_ADMIN_PASSWORD },
    jwtSecret: env.PLUME_JWT_SECRET,
    confirmDestructive: env.PLUME_MIGRATE_CONFIRM === '1',
    plugins: config.plugins,
  })
  const port = Number(env.PORT ?? 3030)
  const host = env.HOST ?? '127.0.0.1'
  const server = await platform.listen(port, host)
  const log = platform.app.get('logger')
  // one line for all plugins (each one's migrations and seeding said more only when they ran)
  const plugins = platform.app.get('plugins')
  if (plugins) {
    const on = plugins.plugins.filter((p) => plugins.isEnabled(p.name))
    log.info(`plugins: ${on.length} enabled — ${on.map((p) => `${p.name} ${p.def.version}`).join(', ')}`)
  }
  if (platform.generatedAdminPassword) {
    log.warn(
      `first admin created: ${env.PLUME_ADMIN_EMAIL ?? 'admin@plume.local'} / ${platform.generatedAdminPassword} (shown once; set PLUME_ADMIN_EMAIL and PLUME_ADMIN_PASSWORD to choose)`,
    )
  }
  log.info(
    `Plume listening on ${platform.app.get('ops')?.tls ? 'https' : 'http'}://${host}:${(server.address() as AddressInfo).port} (${platform.db.kind}) — API /api, docs /api/docs, admin /admin`,
  )
  const stop = async () => {
    await platform.close()
    process.exit(0)
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((err: unknown) => {
  const plain =
    err instanceof DefinitionLoadError ||
    err instanceof PluginLoadError ||
    err instanceof ProjectConfigError ||
    (err instanceof Error && PLAIN_ERRORS.includes(err.name))
  console.error(plain ? (err as Error).message : err)
  process.exit(1)
})
