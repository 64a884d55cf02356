import type { Knex } from 'knex'
import type { EntityDefinition } from './definitions.js'
import { DestructiveChangeError } from './errors.js'
import { isPending, planMigration } from './plan.js'
import type { MigrateOptions, MigrationResult } from './types.js'
import { ensureVersionsTable, recordVersion } from './versions.js'

/** Key of the transaction-level advisory lock that serialises migrations across instances. */
export const MIGRATION_LOCK_KEY = 7_205_113_001

/**
 * Brings the database in line with the entity definitions, in one transaction under an
 * advisory lock. Additive changes apply automatically; changes that lose or rewrite data throw
 * {@link DestructiveChangeError} unless confirmed.
 * @example const result = await migrate(db.knex, registry.entities(), { log: logger.info })
 */
export async function migrate(
  knex: Knex,
  entities: EntityDefinition[],
  opts: MigrateOptions = {},
): Promise<MigrationResult> {
  const confirm = opts.confirmDestructive ?? process.env.PLUME_MIGRATE_CONFIRM === '1'
  const log = opts.log ?? (() => {})

  return knex.transaction(async (trx) => {
    // Taken before reading the catalog: a second instance waits, then sees the finished schema.
    await trx.raw('select pg_advisory_xact_lock(?)', [MIGRATION_LOCK_KEY])
    if (!opts.dryRun) await ensureVersionsTable(trx)
    const plan = await planMigration(trx, entities)
    if (plan.destructive.length > 0 && !confirm) throw new DestructiveChangeError(plan.destructive)

    const result: MigrationResult = {
      applied: [],
      unchanged: [],
      warnings: plan.warnings,
      orphaned: plan.orphaned,
    }
    const pending = plan.entities.filter(isPending)
    for (const e of plan.entities) {
      if (!isPending(e)) result.unchanged.push(e.entity)
    }
    const applied = new Map(pending.map((e) => [e.entity, [] as string[]]))
    const phases = [
      ...pending.map((e) => ({ entity: e.entity, statements: e.statements })),
      ...pending.map((e) => ({ entity: e.entity, statements: e.foreignKeys })),
    ]
    for (const { entity, statements } of phases) {
      for (const sql of statements) {
        if (!opts.dryRun) {
          log(`migrate ${entity}: ${sql}`)
          await trx.raw(sql)
        }
        applied.get(entity)?.push(sql)
      }
    }
    for (const e of pending) {
      if (!opts.dryRun)
        await recordVersion(trx, { entity: e.entity, table: e.table, hash: e.hash, definition: e.definition })
      result.applied.push({ entity: e.entity, statements: applied.get(e.entity) ?? [] })
    }
    for (const w of plan.warnings) log(`migrate warning: ${w}`)
    for (const t of plan.orphaned) log(`migrate: table ${t} belongs to no defined entity; left in place`)
    log(
      `migrate${opts.dryRun ? ' (dry run)' : ''}: ${result.applied.length} entities changed, ` +
        `${result.unchanged.length} unchanged`,
    )
    return result
  })
}
