import type { Knex } from 'knex'
import type { EntityDefinition } from './definitions.js'
import type { DestructiveChange } from './types.js'
import { desiredTable } from './desired.js'
import { definitionHash, schemaRelevantDefinition } from './hash.js'
import { hasRows, readTables } from './introspect.js'
import { planColumns } from './plan-columns.js'
import type { TableContext } from './plan-context.js'
import { planObjects } from './plan-objects.js'
import { readLatestVersions, readManagedTables } from './versions.js'

export interface EntityPlan {
  entity: string
  table: string
  /** Phase 1: drop changed/obsolete owned constraints, alter columns, add checks and indexes. */
  statements: string[]
  /** Phase 2 (after every table exists): foreign keys. */
  foreignKeys: string[]
  hash: string
  /** The definition hash differs from the last recorded one (or none is recorded). */
  hashChanged: boolean
  definition: Record<string, unknown>
}

export interface MigrationPlan {
  entities: EntityPlan[]
  destructive: DestructiveChange[]
  warnings: string[]
  orphaned: string[]
}

function indexEntities(entities: EntityDefinition[]): Map<string, EntityDefinition> {
  const byName = new Map<string, EntityDefinition>()
  const tables = new Map<string, string>()
  for (const e of entities) {
    if (byName.has(e.name)) throw new Error(`entity "${e.name}" is defined twice`)
    const other = tables.get(e.table)
    if (other) throw new Error(`entities "${other}" and "${e.name}" both use table "${e.table}"`)
    byName.set(e.name, e)
    tables.set(e.table, e.name)
  }
  return byName
}

/**
 * Compares the definitions with the database and lists what would change, without changing
 * anything. Destructive changes are listed with their statements; the caller decides.
 */
export async function planMigration(knex: Knex, entities: EntityDefinition[]): Promise<MigrationPlan> {
  const byName = indexEntities(entities)
  const desired = entities.map((e) => desiredTable(e, byName))
  const latest = await readLatestVersions(knex)
  const managed = await readManagedTables(knex)
  const actual = await readTables(knex, [...new Set([...desired.map((d) => d.table), ...managed])])
  const existingTables = new Set(actual.keys())
  const plan: MigrationPlan = { entities: [], destructive: [], warnings: [], orphaned: [] }

  for (const [i, d] of desired.entries()) {
    const entity = entities[i]
    if (!entity) continue
    const current = actual.get(d.table)
    const ctx: TableContext = {
      knex,
      desired: d,
      actual: current,
      managed: managed.has(d.table),
      hasRows: current ? await hasRows(knex, d.table) : false,
      existingTables,
      destructive: plan.destructive,
      warnings: plan.warnings,
    }
    const columns = await planColumns(ctx)
    const objects = await planObjects(ctx, columns)
    const hash = definitionHash(entity)
    plan.entities.push({
      entity: d.entity,
      table: d.table,
      statements: [...objects.drops, ...columns.statements, ...objects.creates],
      foreignKeys: objects.foreignKeys,
      hash,
      hashChanged: latest.get(d.entity)?.hash !== hash,
      definition: schemaRelevantDefinition(entity),
    })
  }

  const defined = new Set(desired.map((d) => d.table))
  for (const v of latest.values()) {
    if (byName.has(v.entity) || defined.has(v.table) || !existingTables.has(v.table)) continue
    if (!plan.orphaned.includes(v.table)) plan.orphaned.push(v.table)
  }
  return plan
}

/** Whether applying the plan would change anything for this entity. */
export const isPending = (e: EntityPlan): boolean =>
  e.hashChanged || e.statements.length > 0 || e.foreignKeys.length > 0
