import type { Knex } from 'knex'
import { rowsOf } from './sql.js'

export const VERSIONS_TABLE = 'plume_schema_versions'

export interface RecordedVersion {
  entity: string
  table: string
  hash: string
}

export async function ensureVersionsTable(knex: Knex): Promise<void> {
  await knex.raw(
    `create table if not exists ?? (
       id serial primary key,
       entity text not null,
       table_name text not null,
       hash text not null,
       definition jsonb not null,
       applied_at timestamptz not null default now()
     )`,
    [VERSIONS_TABLE],
  )
}

async function versionsTableExists(knex: Knex): Promise<boolean> {
  const rows = rowsOf(await knex.raw('select to_regclass(?) is not null as present', [VERSIONS_TABLE]))
  return rows[0]?.present === true
}

/** The latest recorded version of every entity ever migrated (empty before the first run). */
export async function readLatestVersions(knex: Knex): Promise<Map<string, RecordedVersion>> {
  const latest = new Map<string, RecordedVersion>()
  if (!(await versionsTableExists(knex))) return latest
  const rows = rowsOf(
    await knex.raw('select distinct on (entity) entity, table_name, hash from ?? order by entity, id desc', [
      VERSIONS_TABLE,
    ]),
  )
  for (const row of rows) {
    const entity = String(row.entity)
    latest.set(entity, { entity, table: String(row.table_name), hash: String(row.hash) })
  }
  return latest
}

/** Tables Plume has created or adopted: the only ones whose columns it may drop. */
export async function readManagedTables(knex: Knex): Promise<Set<string>> {
  if (!(await versionsTableExists(knex))) return new Set()
  const rows = rowsOf(await knex.raw('select distinct table_name from ??', [VERSIONS_TABLE]))
  return new Set(rows.map((r) => String(r.table_name)))
}

export async function recordVersion(
  knex: Knex,
  v: RecordedVersion & { definition: Record<string, unknown> },
): Promise<void> {
  await knex(VERSIONS_TABLE).insert({
    entity: v.entity,
    table_name: v.table,
    hash: v.hash,
    definition: JSON.stringify(v.definition),
  })
}
