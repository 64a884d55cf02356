import type { DesiredObject } from './desired.js'
import type { ActualObject } from './introspect.js'
import type { ColumnPlan } from './plan-columns.js'
import { addDestructive, countOf, plural, type TableContext } from './plan-context.js'
import { ident } from './sql.js'

export interface ObjectPlan {
  /** Owned constraints and indexes that changed or are no longer defined; run before column changes. */
  drops: string[]
  /** Checks, unique constraints and indexes; run after column changes. */
  creates: string[]
  /** Foreign keys; run once every table exists. */
  foreignKeys: string[]
}

const MARK = 'plume:'

function dropStatement(table: string, o: ActualObject): string {
  return o.kind === 'index'
    ? `drop index ${ident(o.name)}`
    : `alter table ${ident(table)} drop constraint ${ident(o.name)}`
}

function commentStatement(table: string, o: DesiredObject): string {
  const text = `'${MARK}${o.signature}'`
  return o.kind === 'index'
    ? `comment on index ${ident(o.name)} is ${text}`
    : `comment on constraint ${ident(o.name)} on ${ident(table)} is ${text}`
}

/** How many existing rows the new object would reject, or 0 when that cannot be known yet. */
async function violations(ctx: TableContext, o: DesiredObject, columns: ColumnPlan): Promise<number> {
  if (!ctx.actual || !ctx.hasRows || !o.violationSql) return 0
  // New or retyped columns: the query would read values that are not there yet (the DB
  // still rejects a violating row when the statement runs, and the transaction rolls back).
  if (o.columns.some((c) => columns.added.has(c) || columns.retyped.has(c))) return 0
  if (o.kind === 'fk' && o.refTable && !ctx.existingTables.has(o.refTable)) {
    return countOf(
      ctx.knex,
      `select count(${ident(o.columns[0] ?? 'id')}) as n from ${ident(ctx.desired.table)}`,
    )
  }
  return countOf(ctx.knex, o.violationSql)
}

async function createStatements(ctx: TableContext, o: DesiredObject, columns: ColumnPlan): Promise<string[]> {
  const table = ctx.desired.table
  const where = `${table}.${o.columns.join(', ')}`
  const n = await violations(ctx, o, columns)
  if (n === 0) return [o.createSql, commentStatement(table, o)]
  const column = o.columns.length === 1 ? o.columns[0] : undefined
  if (o.kind === 'check' || o.kind === 'fk') {
    const what = o.kind === 'check' ? `check ${o.name}` : `foreign key ${o.name}`
    addDestructive(
      ctx,
      o.kind === 'check' ? 'check-violation' : 'fk-violation',
      `${what} would reject ${plural(n, 'existing row', 'existing rows')}; confirming adds it as NOT VALID ` +
        '(existing rows are kept unchecked, new writes are checked)',
      column,
    )
    ctx.warnings.push(
      `${where}: ${what} added as NOT VALID; ${plural(n, 'existing row violates', 'existing rows violate')} it`,
    )
    return [`${o.createSql} not valid`, commentStatement(table, o)]
  }
  addDestructive(
    ctx,
    'unique-violation',
    `unique ${o.name} cannot be added: ${plural(n, 'value appears', 'values appear')} more than once; ` +
      'confirming skips it until the duplicates are removed',
    column,
  )
  ctx.warnings.push(
    `${where}: unique ${o.name} skipped; ${plural(n, 'value appears', 'values appear')} more than once`,
  )
  return []
}

/**
 * Diffs the constraints and indexes Plume owns on a table (marked by a `plume:<signature>`
 * comment); objects without the mark are someone else's and are left alone.
 */
export async function planObjects(ctx: TableContext, columns: ColumnPlan): Promise<ObjectPlan> {
  const plan: ObjectPlan = { drops: [], creates: [], foreignKeys: [] }
  const table = ctx.desired.table
  const wanted = new Map(ctx.desired.objects.map((o) => [o.name, o]))
  const existing = ctx.actual?.objects ?? new Map<string, ActualObject>()

  for (const o of existing.values()) {
    const d = wanted.get(o.name)
    const owned = o.comment?.startsWith(MARK) === true
    if (d ? o.comment !== `${MARK}${d.signature}` : owned) plan.drops.push(dropStatement(table, o))
  }
  for (const d of ctx.desired.objects) {
    const current = existing.get(d.name)
    if (current && current.comment === `${MARK}${d.signature}`) continue
    const statements = await createStatements(ctx, d, columns)
    if (d.kind === 'fk') plan.foreignKeys.push(...statements)
    else plan.creates.push(...statements)
  }
  return plan
}
