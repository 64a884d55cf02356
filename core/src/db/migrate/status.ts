import type { Knex } from 'knex'
import type { EntityDefinition } from './definitions.js'
import { isPending, planMigration } from './plan.js'
import type { SchemaStatus } from './types.js'

/**
 * Whether the database matches the definitions, without changing or locking anything.
 * @example const { upToDate } = await schemaStatus(db.knex, registry.entities())
 */
export async function schemaStatus(knex: Knex, entities: EntityDefinition[]): Promise<SchemaStatus> {
  const plan = await planMigration(knex, entities)
  const pending = plan.entities.filter(isPending).map((e) => e.entity)
  return { upToDate: pending.length === 0, pending }
}
