import type { Knex } from 'knex'
import { rowsOf } from './sql.js'

export interface ActualColumn {
  name: string
  /** `format_type()` spelling, e.g. `character varying(200)`. */
  type: string
  notNull: boolean
  defaultExpr: string | null
  identity: boolean
}

export interface ActualObject {
  name: string
  kind: 'check' | 'unique' | 'index' | 'fk' | 'primary' | 'other'
  /** Our marker comment (`plume:<signature>`), when Plume created it. */
  comment: string | null
}

export interface ActualTable {
  name: string
  columns: Map<string, ActualColumn>
  /** Constraints and indexes by name (they share one namespace in PostgreSQL). */
  objects: Map<string, ActualObject>
}

const CONSTRAINT_KINDS: Record<string, ActualObject['kind']> = {
  c: 'check',
  u: 'unique',
  f: 'fk',
  p: 'primary',
}

/**
 * Reads columns, constraints and indexes of the given tables in the current schema.
 * Tables that do not exist are absent from the map.
 */
export async function readTables(knex: Knex, tables: string[]): Promise<Map<string, ActualTable>> {
  const result = new Map<string, ActualTable>()
  if (tables.length === 0) return result
  const tableRows = rowsOf(
    await knex.raw(
      `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = current_schema() and c.relkind in ('r', 'p') and c.relname = any(?)`,
      [tables],
    ),
  )
  for (const row of tableRows) {
    const name = String(row.name)
    result.set(name, { name, columns: new Map(), objects: new Map() })
  }
  if (result.size === 0) return result
  const present = [...result.keys()]

  const columnRows = rowsOf(
    await knex.raw(
      `select c.relname as tbl, a.attname as name, format_type(a.atttypid, a.atttypmod) as type,
              a.attnotnull as not_null, a.attidentity as identity, pg_get_expr(d.adbin, d.adrelid) as def
       from pg_attribute a
       join pg_class c on c.oid = a.attrelid
       join pg_namespace n on n.oid = c.relnamespace
       left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
       where n.nspname = current_schema() and c.relname = any(?) and a.attnum > 0 and not a.attisdropped
       order by c.relname, a.attnum`,
      [present],
    ),
  )
  for (const row of columnRows) {
    const t = result.get(String(row.tbl))
    if (!t) continue
    t.columns.set(String(row.name), {
      name: String(row.name),
      type: String(row.type),
      notNull: row.not_null === true,
      defaultExpr: typeof row.def === 'string' ? row.def : null,
      identity: typeof row.identity === 'string' && row.identity !== '',
    })
  }

  const constraintRows = rowsOf(
    await knex.raw(
      `select c.relname as tbl, con.conname as name, con.contype as type,
              obj_description(con.oid, 'pg_constraint') as comment
       from pg_constraint con
       join pg_class c on c.oid = con.conrelid
       join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = current_schema() and c.relname = any(?) and con.contype in ('c', 'u', 'f', 'p', 'x')`,
      [present],
    ),
  )
  for (const row of constraintRows) {
    result.get(String(row.tbl))?.objects.set(String(row.name), {
      name: String(row.name),
      kind: CONSTRAINT_KINDS[String(row.type)] ?? 'other',
      comment: typeof row.comment === 'string' ? row.comment : null,
    })
  }

  // Indexes that back a constraint (primary key, unique) are already listed above.
  const indexRows = rowsOf(
    await knex.raw(
      `select c.relname as tbl, i.relname as name, obj_description(i.oid, 'pg_class') as comment
       from pg_index x
       join pg_class c on c.oid = x.indrelid
       join pg_class i on i.oid = x.indexrelid
       join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = current_schema() and c.relname = any(?)
         and not exists (select 1 from pg_constraint con where con.conindid = x.indexrelid and con.conrelid = x.indrelid
                           and con.contype in ('p', 'u', 'x'))`,
      [present],
    ),
  )
  for (const row of indexRows) {
    result.get(String(row.tbl))?.objects.set(String(row.name), {
      name: String(row.name),
      kind: 'index',
      comment: typeof row.comment === 'string' ? row.comment : null,
    })
  }
  return result
}

/** Whether a table holds at least one row. */
export async function hasRows(knex: Knex, table: string): Promise<boolean> {
  const rows = rowsOf(await knex.raw('select exists (select 1 from ??) as present', [table]))
  return rows[0]?.present === true
}
