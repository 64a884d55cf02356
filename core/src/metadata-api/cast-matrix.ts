/**
 * The published safe-cast matrix (docs/metadata.md "Changing a field's type"): which column type
 * changes the API applies, and which need a dry-run count and a confirmation first.
 */
import type { Knex } from 'knex'
import { compareColumnTypes, parseColumnType, type ColumnType } from '../db/migrate/column-types.js'
import { ident, rowsOf } from '../db/migrate/sql.js'

/** `widen`: every value is kept as it is; `narrow` / `convert`: values may change or fail (confirm); `refused`: not offered. */
export type CastClass = 'same' | 'widen' | 'narrow' | 'convert' | 'refused'

type Kind = 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'timestamp' | 'json' | 'uuid' | 'other'

function kindOf(t: ColumnType): Kind {
  if (t.array) return 'other'
  switch (t.base) {
    case 'text':
    case 'character varying':
    case 'character':
      return 'string'
    case 'smallint':
    case 'integer':
    case 'bigint':
      return 'integer'
    case 'numeric':
    case 'real':
    case 'double precision':
      return 'number'
    case 'boolean':
      return 'boolean'
    case 'date':
      return 'date'
    case 'timestamp with time zone':
    case 'timestamp without time zone':
      return 'timestamp'
    case 'jsonb':
    case 'json':
      return 'json'
    case 'uuid':
      return 'uuid'
    default:
      return 'other'
  }
}

const FROM_STRING: ReadonlySet<Kind> = new Set(['integer', 'number', 'boolean', 'date', 'timestamp', 'uuid'])

/**
 * Classifies a column type change.
 * @example castClass('varchar(50)', 'text') // 'widen'
 * @example castClass('text', 'integer') // 'convert'
 */
export function castClass(fromSql: string, toSql: string): CastClass {
  const from = parseColumnType(fromSql)
  const to = parseColumnType(toSql)
  const change = compareColumnTypes(from, to)
  if (change === 'same' || change === 'widen' || change === 'narrow') return change
  const a = kindOf(from)
  const b = kindOf(to)
  if (a === 'other' || b === 'other' || a === 'json' || b === 'json') return 'refused'
  // every value has a text form: to unbounded text nothing is lost, to varchar(n) a long one may be cut
  if (b === 'string') return to.length === undefined ? 'widen' : 'convert'
  if (a === 'string' && FROM_STRING.has(b)) return 'convert'
  if (a === 'integer' && b === 'number') return 'widen'
  if (a === 'date' && b === 'timestamp') return 'widen'
  if (a === 'timestamp' && b === 'date') return 'narrow'
  return 'refused'
}

/**
 * How many rows hold a value that would not convert to `toSql` (the whole change would abort).
 * Each distinct value is tried once through its current type, in a function of this session.
 */
export async function countFailingCasts(
  knex: Knex,
  table: string,
  column: string,
  fromSql: string,
  toSql: string,
): Promise<number> {
  const from = parseColumnType(fromSql).text
  const to = parseColumnType(toSql).text
  await knex.raw(`create or replace function pg_temp.plume_castable(v text, t1 text, t2 text) returns boolean language plpgsql as $body$
    begin execute format('select %L::%s::%s', v, t1, t2); return true; exception when others then return false; end $body$`)
  const rows = rowsOf(
    await knex.raw(
      `select coalesce(sum(n), 0) as n from (select ${ident(column)}::text as v, count(*) as n from ${ident(table)} where ${ident(column)} is not null group by 1) as s
     where not pg_temp.plume_castable(s.v, '${from}', '${to}')`,
    ),
  )
  return Number(rows[0]?.n ?? 0)
}

/** How many rows hold a value that a change to `toSql` would alter (truncate, round, drop the time). */
export async function countChangedValues(
  knex: Knex,
  table: string,
  column: string,
  toSql: string,
): Promise<number> {
  const to = parseColumnType(toSql).text
  const col = ident(column)
  const rows = rowsOf(
    await knex.raw(
      `select count(*) as n from ${ident(table)} where ${col} is not null and ${col}::${to}::text is distinct from ${col}::text`,
    ),
  )
  return Number(rows[0]?.n ?? 0)
}
