import type { Logger } from 'pino'
import type { LoadedPlugin } from './load.js'
import { appliedMigrations, recordMigration } from './store.js'
import type { PluginContext } from './types.js'

/** Applies a plugin's pending migrations in order, each in its own transaction with its record. */
export async function migratePlugin(logger: Logger, plugin: LoadedPlugin, ctx: PluginContext): Promise<void> {
  if (plugin.migrations.length === 0) return
  const { knex } = ctx
  const done = await appliedMigrations(knex, plugin.name)
  for (const m of plugin.migrations) {
    if (done.has(m.name)) continue
    await knex.transaction(async (trx) => {
      await m.up(ctx, trx)
      await recordMigration(trx, plugin.name, m.name)
    })
    logger.info(`plugin ${plugin.name}: migration ${m.name} applied`)
  }
}
