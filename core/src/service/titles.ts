import type { EntityDefinition } from '@plume/metadata'
import type { Knex } from 'knex'
import type { RowScope } from './sql.js'

/**
 * `$titles=productId,customerId` on a find: each row also carries the title of the record its
 * reference field points at, read in the same SQL statement (a left join per field), as
 * `row.$titles = { productId: 'Widget' }`. A title is `null` when the reference is empty, the
 * record is gone, or the reader may not see it (the target entity is not theirs to find, the record
 * is outside their rows, or its title field is hidden from them): never the title, never a guess.
 */
export const TITLES_KEY = '$titles'

// the most reference fields one find may ask titles for: the query parser (query.ts) holds the limit
export { MAX_TITLES } from './query.js'

/** How the reader may read one target entity (see `readAccess` in permissions). */
export interface TitleAccess {
  allowed: boolean
  scope?: RowScope
  hidden: ReadonlySet<string>
}

/** What an entity service needs to join titles: the target definitions and the reader's access to them. */
export interface TitleSource {
  entity(name: string): EntityDefinition | undefined
  access(params: { provider?: string; user?: unknown }, entityName: string): Promise<TitleAccess>
}

/** One `$titles` field, resolved: the target table, its title column and the reader's rows of it. */
export interface TitleJoin {
  field: string
  table: string
  column: string
  /** `false`: nothing of the target is the reader's — every title is null. */
  readable: boolean
  scope?: RowScope
}

/**
 * The field that names a record: `x-ui.titleField`, else `name`, `code`, `number`, else `id`
 * (the admin UI's rule, utils/entity.ts).
 * @example titleFieldOf(productDefinition) // 'name'
 */
export function titleFieldOf(e: EntityDefinition): string {
  if (e.ui.titleField && e.fields[e.ui.titleField]) return e.ui.titleField
  return ['name', 'code', 'number'].find((n) => e.fields[n]) ?? 'id'
}

/** The reader's title joins for the fields `$titles` named (already checked by `parseQuery`). */
export async function titleJoins(
  source: TitleSource,
  entity: EntityDefinition,
  fields: string[],
  params: { provider?: string; user?: unknown },
): Promise<TitleJoin[]> {
  return Promise.all(
    fields.map(async (field): Promise<TitleJoin> => {
      const target = source.entity(entity.fields[field]!.ref!.entity)
      if (!target) return { field, table: '', column: 'id', readable: false }
      const column = titleFieldOf(target)
      const access = await source.access(params, target.name)
      // an encrypted title is ciphertext in SQL: not shown (fail closed)
      const readable =
        access.allowed && !access.hidden.has(column) && target.fields[column]?.sensitive !== true
      return { field, table: target.table, column, readable, scope: access.scope }
    }),
  )
}

const alias = (i: number) => `$title${i}`

/**
 * Adds the title joins to a find's query: each target is a derived table of the reader's rows
 * (their row condition applied inside it, so its columns never mix with the outer table's),
 * left-joined on the reference; the titles come back as `$title<i>` columns.
 */
export function joinTitles(
  db: Knex | Knex.Transaction,
  qb: Knex.QueryBuilder,
  table: string,
  joins: TitleJoin[],
): void {
  joins.forEach((j, i) => {
    const a = alias(i)
    if (!j.readable) {
      qb.select(db.raw('null::text as ??', [a]))
      return
    }
    const rows = db(j.table).select({ [`${a}id`]: 'id' }, db.raw('??::text as ??', [j.column, a]))
    if (j.scope) j.scope(rows)
    qb.leftJoin(rows.as(`${a}t`), `${a}t.${a}id`, `${table}.${j.field}`).select(`${a}t.${a}`)
  })
}

/** Moves the `$title<i>` columns of each row into `row.$titles` (an empty reference joins no title: null). */
export function foldTitles(rows: Array<Record<string, unknown>>, joins: TitleJoin[]): void {
  if (!joins.length) return
  for (const row of rows) {
    const titles: Record<string, string | null> = {}
    joins.forEach((j, i) => {
      const v = row[alias(i)]
      delete row[alias(i)]
      titles[j.field] = v == null ? null : String(v)
    })
    row[TITLES_KEY] = titles
  }
}
