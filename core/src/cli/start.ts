import { DefinitionLoadError } from '@plume/metadata'
import { databaseOptionsFromEnv } from '../db/connect.js'
import { createPlatform } from '../platform.js'
import { unsupportedNode } from './node-version.js'

/** `npm start`: configuration comes from the environment (see README). */
async function main(): Promise<void> {
  const env = process.env
  const nodeProblem = unsupportedNode(process.versions.node)
  if (nodeProblem) {
    console.error(nodeProblem)
    process.exit(1)
  }
  const platform = await createPlatform({
    database: databaseOptionsFromEnv(env),
    admin: { email: env.PLUME_ADMIN_EMAIL, password: env.PLUME_ADMIN_PASSWORD },
    jwtSecret: env.PLUME_JWT_SECRET,
    confirmDestructive: env.PLUME_MIGRATE_CONFIRM === '1',
  })
  const port = Number(env.PORT ?? 3030)
  const host = env.HOST ?? '127.0.0.1'
  await platform.listen(port, host)
  const log = platform.app.get('logger')
  if (platform.generatedAdminPassword) {
    log.warn(`first admin created: ${env.PLUME_ADMIN_EMAIL ?? 'admin@plume.local'} / ${platform.generatedAdminPassword} (shown once; set PLUME_ADMIN_EMAIL and PLUME_ADMIN_PASSWORD to choose)`)
  }
  log.info(`Plume listening on http://${host}:${port} (${platform.db.kind}) — API /api, docs /api/docs, admin /admin`)
  const stop = async () => {
    await platform.close()
    process.exit(0)
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((err: unknown) => {
  if (err instanceof DefinitionLoadError) console.error(err.message)
  else if (err instanceof Error && err.name === 'DestructiveChangeError') console.error(err.message)
  else console.error(err)
  process.exit(1)
})
