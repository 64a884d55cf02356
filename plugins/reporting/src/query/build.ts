import { BadRequest, Forbidden } from '@feathersjs/errors'
import { applyFilter, type FilterGroup } from '@plume/core'
import type { EntityDefinition, FieldDefinition } from '@plume/metadata'
import type { Knex } from 'knex'
import type { AccessOf } from '../access.js'
import { MAX_ROWS, type AggregatePlan, type ReportPlan } from '../definition/compile.js'
import type { ColumnType, Period } from '../definition/types.js'
import { HiddenFieldError, SpecError, resolveVisible, toFilter, type HiddenOf } from './filters.js'
import { formulaSql } from './formula.js'
import { splitFilter, splitMeasure, type Fragment, type SplitMeasure } from './preaggregate.js'
import { copiesFor } from './copies.js'
import { Joins, PathError, type FieldRef } from './paths.js'

/** Run-time values, already checked (see run.ts). */
export interface RunValues {
  from?: string
  /** Exclusive upper bound. */
  to?: string
  asOf: Date
  days?: number
  period?: 'none' | Period
  filters?: Record<string, unknown>
  limit: number
}

export interface BuiltColumn {
  key: string
  sql: string
  kind: 'dimension' | 'measure'
  type: ColumnType
  field?: string
  period?: Period
  /** Decimal places of a decimal column. */
  scale?: number
}

/** An entity's rows as of the run's date, when its plugin provides them (core `AsOfSource`). */
export type AsOfTables = (entity: EntityDefinition) => Fragment | undefined

export const AGING_BUCKETS = ['current', '1-30', '31-60', '61-90', '90+'] as const

function columnType(f: FieldDefinition): ColumnType {
  if (f.format === 'date') return 'date'
  if (f.format === 'date-time') return 'datetime'
  if (f.type === 'integer') return 'integer'
  if (f.type === 'number' || f.xType === 'money') return 'decimal'
  if (f.type === 'boolean') return 'boolean'
  return 'text'
}

const scaleOf = (f: FieldDefinition) => (f.xType === 'money' ? 2 : f.type === 'integer' ? 0 : 4)
const col = (ref: FieldRef) => `${ref.alias}.${ref.field.name}`

/** A day as a SQL date of the reference field (timestamps are read in UTC). */
function dayOf(ref: FieldRef): Fragment {
  return ref.field.format === 'date'
    ? { sql: '??', bindings: [col(ref)] }
    : { sql: "(?? at time zone 'UTC')::date", bindings: [col(ref)] }
}

function agingCase(ref: FieldRef, asOf: string, ordinal: boolean): Fragment {
  const day = dayOf(ref)
  const labels = ordinal ? ['0', '1', '2', '3', '4'] : AGING_BUCKETS.map((b) => `'${b}'`)
  const sql = `case when ${day.sql} is null or ${day.sql} >= ?::date then ${labels[0]} when ?::date - ${day.sql} <= 30 then ${labels[1]} when ?::date - ${day.sql} <= 60 then ${labels[2]} when ?::date - ${day.sql} <= 90 then ${labels[3]} else ${labels[4]} end`
  const b = day.bindings[0]!
  return { sql, bindings: [b, b, asOf, asOf, b, asOf, b, asOf, b] }
}

function visible(joins: Joins, path: string, hiddenOf: HiddenOf, what: string): FieldRef {
  try {
    return resolveVisible(joins, path, hiddenOf)
  } catch (err) {
    if (err instanceof HiddenFieldError)
      throw new Forbidden(`You may not use ${err.field} in a report: the field is hidden from you`, {
        errors: [{ path: what, message: `field "${err.field}" is hidden from you` }],
      })
    // the definition was checked when saved; the metadata may have changed since
    if (err instanceof PathError)
      throw new BadRequest(`Report no longer matches the metadata: ${what} ${err.message}`, {
        errors: [{ path: what, message: err.message }],
      })
    throw err
  }
}

function filterOrThrow(joins: Joins, query: Record<string, unknown>, at: string, hiddenOf: HiddenOf) {
  try {
    return toFilter(joins, query, at, hiddenOf)
  } catch (err) {
    if (!(err instanceof SpecError)) throw err
    const first = err.problems[0]!
    throw new BadRequest(`Invalid report filter: ${first.path} ${first.message}`, { errors: err.problems })
  }
}

/** `filter (where …)` from a filter tree, through the core's applyFilter. */
function whereFragment(
  knex: Knex,
  joins: Joins,
  where: Record<string, unknown>,
  at: string,
  hiddenOf: HiddenOf,
): Fragment & { aliases: string[] } {
  const qb = knex.queryBuilder()
  const group = filterOrThrow(joins, where, at, hiddenOf)
  applyFilter(qb, group)
  const { sql, bindings } = qb.toSQL()
  return {
    sql: sql.replace(/^select \* where /, ''),
    bindings: [...bindings] as Knex.RawBinding[],
    aliases: filterAliases(group),
  }
}

/** Table aliases a filter tree reads (`t0`, `j2`, …). */
function filterAliases(g: FilterGroup, out: string[] = []): string[] {
  for (const c of g.conditions) out.push(c.field.split('.')[0]!)
  for (const alts of g.or) for (const a of alts) filterAliases(a, out)
  return out
}

function aggregate(
  knex: Knex,
  joins: Joins,
  m: AggregatePlan,
  at: string,
  hiddenOf: HiddenOf,
  name: string,
): {
  frag: Fragment
  split?: SplitMeasure
  type: ColumnType
  scale?: number
  field?: string
  aliases: string[]
} {
  const ref = m.field ? visible(joins, m.field, hiddenOf, `${at}/field`) : undefined
  const times = m.times ? visible(joins, m.times, hiddenOf, `${at}/times`) : undefined
  let value: Fragment = ref ? { sql: '??', bindings: [col(ref)] } : { sql: '*', bindings: [] }
  if (times && ref) value = { sql: '(?? * ??)', bindings: [col(ref), col(times)] }
  const filter = m.where ? whereFragment(knex, joins, m.where, `${at}/where`, hiddenOf) : undefined
  let sql: string
  let type: ColumnType
  let scale: number | undefined
  switch (m.fn) {
    case 'count':
      sql = `count(${value.sql})`
      type = 'integer'
      break
    case 'countDistinct':
      sql = `count(distinct ${value.sql})`
      type = 'integer'
      break
    case 'avg':
      sql = `round(avg(${value.sql})::numeric, 2)`
      type = 'decimal'
      scale = 2
      break
    case 'sum': {
      sql = `sum(${value.sql})`
      const fields = [ref!.field, ...(times ? [times.field] : [])]
      if (fields.every((f) => f.type === 'integer')) type = 'integer'
      else {
        type = 'decimal'
        scale = fields.some((f) => f.type === 'number') ? 4 : fields.reduce((s, f) => s + scaleOf(f), 0)
      }
      break
    }
    default:
      sql = `${m.fn}(${value.sql})`
      type = columnType(ref!.field)
      scale = scaleOf(ref!.field)
  }
  if (filter) sql += ` filter (where ${filter.sql})`
  const aliases = [...(ref ? [ref.alias] : []), ...(times ? [times.alias] : []), ...(filter?.aliases ?? [])]
  const baseOnly = !filter || filter.aliases.every((a) => a === joins.baseAlias)
  const split =
    baseOnly && (!times || m.fn === 'sum')
      ? splitMeasure(m, ref, times, filter, joins.baseAlias, name)
      : undefined
  return {
    frag: { sql, bindings: [...value.bindings, ...(filter?.bindings ?? [])] },
    split,
    type,
    scale,
    field: m.field,
    aliases,
  }
}

/**
 * Builds the aggregate query of a report for one caller: every table read (the base, each
 * joined entity, the `$without` entity) is the caller's visible rows only — a derived table
 * filtered by their row scope — and no field hidden from them is selected, grouped, filtered
 * or joined on. Columns are aliased `c0…cn` and renamed when the rows are read.
 *
 * Two levels: the rows are aggregated first (`s`), then joins that only supply labels of a
 * grouped foreign key (`partner.name` when `partnerId` is a dimension) are made on the groups —
 * a few hundred rows instead of a million.
 * Paths to fields the base row carries a copy of (`order.status` on a line) read the copy when
 * the caller sees every row of the related entity (copies.ts), so no join is made for them.
 * @example const { qb, columns } = buildQuery(knex, entities, plan, await accessFor(app, params), values)
 */
export function buildQuery(
  knex: Knex,
  entities: Map<string, EntityDefinition>,
  plan: ReportPlan,
  access: AccessOf,
  run: RunValues,
  asOfTables: AsOfTables = () => undefined,
): { qb: Knex.QueryBuilder; columns: BuiltColumn[] } {
  const base = plan.entity
  const hiddenOf: HiddenOf = (e) => access(e).hidden
  access(base)
  const joins = new Joins(entities, base, 't0', 'j', copiesFor(base, access))
  const asOf = run.asOf.toISOString().slice(0, 10)
  const columns: BuiltColumn[] = []

  let dims = plan.dimensions
  if (run.period === 'none') dims = dims.filter((d) => !d.period)
  else if (run.period)
    dims = dims.map((d) =>
      d.period
        ? { ...d, period: run.period as Period, key: d.implicit ? `${d.path}:${run.period}` : d.key }
        : d,
    )
  const dimRefs = dims.map((d, i) => ({ d, ref: visible(joins, d.path, hiddenOf, `/dimensions/${i}`) }))

  // everything but dimensions must be computed on the rows, so the joins it walks stay inside
  const inner = new Set<string>([joins.baseAlias])
  const needInner = (alias: string) => {
    for (
      let a: string | undefined = alias;
      a && !inner.has(a);
      a = joins.steps.find((st) => st.alias === a)?.parentAlias
    )
      inner.add(a)
  }
  const aggregates = plan.measures.map((m, i) => {
    if (m.kind !== 'aggregate') return undefined
    const a = aggregate(knex, joins, m, `/measures/${i}`, hiddenOf, `_m${i}`)
    a.aliases.forEach(needInner)
    return a
  })
  const filters = [filterOrThrow(joins, plan.filters, '/filters', hiddenOf)]
  if (run.filters) filters.push(filterOrThrow(joins, run.filters, '/filters', hiddenOf))
  for (const f of filters) filterAliases(f).forEach(needInner)
  let dateCol: string | undefined
  if (run.from || run.to) {
    if (!plan.dateField)
      throw new BadRequest(`Report ${plan.definition.code} has no date field: from/to do not apply`, {
        errors: [{ path: '/from', message: 'this report has no date field' }],
      })
    dateCol = col(visible(joins, plan.dateField, hiddenOf, '/from'))
  }

  // a join is made on the groups when its key is a plain dimension (or it hangs off such a join)
  const plainDim = (alias: string, field: string) =>
    dimRefs.findIndex(
      ({ d, ref }) => !d.period && !d.bucket && ref.alias === alias && ref.field.name === field,
    )
  const outerKey = new Map<string, string>()
  for (const step of joins.steps) {
    if (inner.has(step.alias)) continue
    if (outerKey.has(step.parentAlias)) outerKey.set(step.alias, `${step.parentAlias}.${step.fk}`)
    else {
      const i = plainDim(step.parentAlias, step.fk)
      if (i >= 0) outerKey.set(step.alias, `s.c${i}`)
      else needInner(step.alias)
    }
  }
  for (const a of inner) outerKey.delete(a)

  // joins needed on the rows, only for fields constant per foreign key: group the rows by those keys first
  const base0 = joins.baseAlias
  const innerSteps = joins.steps.filter((st) => !outerKey.has(st.alias))
  const splitFilters = filters.map((f) => splitFilter(f, base0))
  const pre =
    innerSteps.length > 0 &&
    aggregates.every((a, i) => plan.measures[i]!.kind !== 'aggregate' || a?.split) &&
    splitFilters.every((f) => f !== undefined) &&
    !dimRefs.some(({ d }) => d.bucket)
  const level1: Array<Fragment & { group?: boolean }> = []
  if (pre)
    for (const st of innerSteps)
      if (st.parentAlias === base0)
        level1.push({ sql: '?? as ??', bindings: [`${base0}.${st.fk}`, st.fk], group: true })

  const measureSql = new Map<string, Fragment>()
  const measures: Array<{ frag: Fragment; col: BuiltColumn }> = []
  plan.measures.forEach((m, i) => {
    const a = aggregates[i]
    if (m.kind === 'aggregate' && a) {
      const frag = pre ? a.split!.combine : a.frag
      if (pre) level1.push(...a.split!.partials)
      measureSql.set(m.key, frag)
      measures.push({
        frag,
        col: { key: m.key, sql: '', kind: 'measure', type: a.type, scale: a.scale, field: a.field },
      })
    } else if (m.kind === 'formula') {
      const bindings: Knex.RawBinding[] = []
      const expr = formulaSql(m.node, (name) => {
        const f = measureSql.get(name)!
        bindings.push(...f.bindings)
        return f.sql
      })
      const frag = { sql: `round(${expr}, ${m.decimals})`, bindings }
      measureSql.set(m.key, frag)
      measures.push({
        frag,
        col: { key: m.key, sql: '', kind: 'measure', type: 'decimal', scale: m.decimals },
      })
    }
  })

  const innerSelects: Array<Fragment & { group?: boolean }> = []
  const outerSelects: Fragment[] = []
  const orderAging: string[] = []
  dimRefs.forEach(({ d, ref }, i) => {
    const out = outerKey.has(ref.alias)
    const sql = `c${i}`
    let frag: Fragment
    if (d.period) {
      const ts = ref.field.format === 'date' ? '??::timestamp' : "?? at time zone 'UTC'"
      frag = { sql: `extract(epoch from date_trunc('${d.period}', ${ts}))`, bindings: [col(ref)] }
      columns.push({ key: d.key, sql, kind: 'dimension', type: 'period', field: d.path, period: d.period })
    } else if (d.bucket === 'aging') {
      frag = agingCase(ref, asOf, false)
      const ord = agingCase(ref, asOf, true)
      innerSelects.push({ sql: `min(${ord.sql}) as ??`, bindings: [...ord.bindings, `o${i}`] })
      orderAging.push(`s.o${i}`)
      columns.push({ key: d.key, sql, kind: 'dimension', type: 'text', field: d.path })
    } else {
      frag = { sql: '??', bindings: [col(ref)] }
      columns.push({
        key: d.key,
        sql,
        kind: 'dimension',
        type: columnType(ref.field),
        field: d.path,
        scale: scaleOf(ref.field),
      })
    }
    if (pre && ref.alias === base0) {
      level1.push({ sql: `${frag.sql} as ??`, bindings: [...frag.bindings, `_d${i}`], group: true })
      frag = { sql: '??', bindings: [`${base0}._d${i}`] }
    }
    if (out) outerSelects.push({ sql: `${frag.sql} as ??`, bindings: [...frag.bindings, sql] })
    else {
      innerSelects.push({ sql: `${frag.sql} as ??`, bindings: [...frag.bindings, sql], group: true })
      outerSelects.push({ sql: '?? as ??', bindings: [`s.${sql}`, sql] })
    }
  })
  measures.forEach(({ frag, col: c }) => {
    const sql = `c${columns.length}`
    columns.push({ ...c, sql })
    innerSelects.push({ sql: `${frag.sql} as ??`, bindings: [...frag.bindings, sql] })
    outerSelects.push({ sql: '?? as ??', bindings: [`s.${sql}`, sql] })
  })

  const source = (entity: EntityDefinition, alias: string) =>
    sourceOf(knex, access, entity, alias, asOfTables)
  // the base rows: filtered, and grouped by join keys and base dimensions when pre-aggregating
  const baseRows = pre ? knex.from(source(base, base0)) : undefined
  const rows = baseRows
    ? knex.from(selectGrouped(knex, baseRows, level1).as(base0))
    : knex.from(source(base, base0))
  const onRows = baseRows ?? rows
  selectGrouped(knex, rows, innerSelects)
  filters.forEach((f, i) => {
    if (!pre) return applyFilter(rows, f)
    applyFilter(onRows, splitFilters[i]!.rows)
    applyFilter(rows, splitFilters[i]!.joined)
  })
  if (dateCol && run.from) onRows.where(dateCol, '>=', run.from)
  if (dateCol && run.to) onRows.where(dateCol, '<', run.to)
  if (plan.without) applyWithout(knex, entities, onRows, plan, access, run, hiddenOf, asOfTables)
  for (const step of innerSteps)
    rows.leftJoin(source(step.entity, step.alias), `${step.alias}.id`, `${step.parentAlias}.${step.fk}`)

  const qb = knex.from(rows.as('s'))
  for (const s of outerSelects) qb.select(knex.raw(s.sql, s.bindings))
  for (const step of joins.steps)
    if (outerKey.has(step.alias))
      qb.leftJoin(source(step.entity, step.alias), `${step.alias}.id`, outerKey.get(step.alias)!)
  const byKey = new Map(columns.map((c) => [c.key, c]))
  for (const [key, dir] of plan.sort) qb.orderByRaw(`?? ${dir} nulls last`, [byKey.get(key)!.sql])
  for (const o of orderAging) qb.orderByRaw('?? asc', [o])
  for (let i = 0; i < dimRefs.length; i++) qb.orderByRaw('?? asc nulls last', [`c${i}`])
  qb.limit(Math.min(run.limit, plan.limit ?? MAX_ROWS) + 1)
  return { qb, columns }
}

/** Selects the fragments and groups by those marked `group` — by position: a parameter (asOf) in an expression would not match its twin in GROUP BY. */
function selectGrouped(
  knex: Knex,
  qb: Knex.QueryBuilder,
  selects: Array<Fragment & { group?: boolean }>,
): Knex.QueryBuilder {
  const positions: string[] = []
  selects.forEach((s, i) => {
    if (s.group) positions.push(String(i + 1))
    qb.select(knex.raw(s.sql, s.bindings))
  })
  if (positions.length) qb.groupByRaw(positions.join(', '))
  return qb
}

function applyWithout(
  knex: Knex,
  entities: Map<string, EntityDefinition>,
  qb: Knex.QueryBuilder,
  plan: ReportPlan,
  access: AccessOf,
  run: RunValues,
  hiddenOf: HiddenOf,
  asOfTables: AsOfTables,
): void {
  const w = plan.without!
  const other = entities.get(w.entity)
  if (!other) throw new BadRequest(`Report no longer matches the metadata: unknown entity "${w.entity}"`)
  const sub = new Joins(entities, other, 'w0', 'w')
  const baseJoins = new Joins(entities, plan.entity)
  const fields = [...Object.keys(w.match), ...(w.within ? [w.within.field] : [])]
  for (const f of fields) visible(sub, f, hiddenOf, '/filters/$without')
  for (const f of Object.values(w.match)) visible(baseJoins, f, hiddenOf, '/filters/$without/match')
  const where = w.where ? filterOrThrow(sub, w.where, '/filters/$without/where', hiddenOf) : undefined
  const from = sourceOf(knex, access, other, 'w0', asOfTables)
  const days = run.days ?? w.within?.days
  qb.whereNotExists((s) => {
    s.select(knex.raw('1')).from(from)
    for (const [theirs, ours] of Object.entries(w.match))
      s.whereRaw('?? = ??', [`w0.${theirs}`, `t0.${ours}`])
    if (where) applyFilter(s, where)
    if (w.within && days) {
      const since = new Date(run.asOf.getTime() - days * 86_400_000)
      s.where(`w0.${w.within.field}`, '>=', since.toISOString()).where(
        `w0.${w.within.field}`,
        '<=',
        run.asOf.toISOString(),
      )
    }
    for (const step of sub.steps)
      s.leftJoin(
        sourceOf(knex, access, step.entity, step.alias, asOfTables),
        `${step.alias}.id`,
        `${step.parentAlias}.${step.fk}`,
      )
  })
}

/**
 * A table as the caller may read it: the table itself, or `(select * from t where <row scope>)`
 * when their permissions limit its rows (403 when they may not read it at all). An entity with an
 * as-of source is read as it stood on the run's date: that derived table, named as the table
 * (so the row scope reads it as it reads the table).
 */
function sourceOf(
  knex: Knex,
  access: AccessOf,
  entity: EntityDefinition,
  alias: string,
  asOfTables: AsOfTables,
): string {
  const { scope } = access(entity)
  const asOf = asOfTables(entity)
  const table = asOf ? knex.raw(`(${asOf.sql}) as ??`, [...asOf.bindings, entity.table]) : entity.table
  // knex accepts a sub-query wherever it takes a table name
  if (scope) return knex.from(table).where(scope).as(alias) as unknown as string
  return (asOf
    ? knex.raw(`(${asOf.sql}) as ??`, [...asOf.bindings, alias])
    : `${entity.table} as ${alias}`) as unknown as string
}
