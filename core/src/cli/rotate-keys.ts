import { ENTITIES_DIR, loadEntities } from '@plume/metadata'
import { connectDatabase, databaseOptionsFromEnv } from '../db/connect.js'
import { loadKeyRing } from '../crypto/keyring.js'
import { rotateKeys } from '../crypto/rotate.js'
import { loadPlugins } from '../plugins/index.js'
import { readProjectConfig } from './project-config.js'

/**
 * `npx tsx core/src/cli/rotate-keys.ts`: re-encrypts every encrypted value with the first key of
 * `PLUME_ENCRYPTION_KEYS` (keep the old keys listed until it has run). Database from
 * `DATABASE_URL` / `PLUME_DATA_DIR`; `PLUME_ROTATE_BATCH` rows per transaction (default 500).
 * Prints a JSON report; exit code 0 on success, 1 on failure.
 */
async function main(): Promise<void> {
  const env = process.env
  const db = await connectDatabase(databaseOptionsFromEnv(env))
  try {
    const plugins = await loadPlugins({ only: env.PLUME_PLUGINS, plugins: readProjectConfig().plugins })
    const entities = loadEntities(
      [ENTITIES_DIR],
      plugins.flatMap((p) => p.entitySources),
    )
    const ring = await loadKeyRing(db.knex, env.PLUME_ENCRYPTION_KEYS, (msg) => console.error(msg))
    const batchSize = env.PLUME_ROTATE_BATCH ? Number(env.PLUME_ROTATE_BATCH) : undefined
    const report = await rotateKeys(db.knex, entities.values(), ring, {
      batchSize,
      log: (msg) => console.error(msg),
    })
    console.log(JSON.stringify(report))
  } finally {
    await db.close()
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
