import type { Knex } from 'knex'
import type { DesiredTable } from './desired.js'
import type { ActualTable } from './introspect.js'
import type { DestructiveChange, DestructiveKind } from './types.js'
import { rowsOf, toCount } from './sql.js'

/** What the planner knows about one entity's table while diffing it. */
export interface TableContext {
  knex: Knex
  desired: DesiredTable
  /** Absent when the table does not exist yet. */
  actual?: ActualTable
  /** Recorded in the versions table, so columns Plume no longer defines may be dropped. */
  managed: boolean
  hasRows: boolean
  /** Every table that exists now, for FK checks against parents. */
  existingTables: ReadonlySet<string>
  destructive: DestructiveChange[]
  warnings: string[]
}

export function addDestructive(
  ctx: TableContext,
  kind: DestructiveKind,
  detail: string,
  column?: string,
): void {
  ctx.destructive.push({ entity: ctx.desired.entity, table: ctx.desired.table, column, kind, detail })
}

export async function countOf(knex: Knex, sql: string, bindings: readonly unknown[] = []): Promise<number> {
  const rows = rowsOf(await knex.raw(sql, bindings as Knex.RawBinding[]))
  return toCount(rows[0]?.n)
}

export const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`
