import { BadRequest } from '@feathersjs/errors'
import type { EntityDefinition } from '@plume/metadata'
import { formulaRefs, parseFormula, FormulaError, type FormulaNode } from '../query/formula.js'
import { SpecError, toFilter, type SpecProblem } from '../query/filters.js'
import { parseCron } from '../schedule/cron.js'
import { isNumeric, isScalar, isTemporal, Joins, PathError, type FieldRef } from '../query/paths.js'
import {
  PERIODS,
  type AggregateFn,
  type ColumnType,
  type DimensionSpec,
  type MeasureSpec,
  type Period,
  type ReportDefinition,
  type WithoutSpec,
} from './types.js'

export interface DimensionPlan {
  key: string
  path: string
  period?: Period
  bucket?: 'aging'
  /** Added by `periodGrouping` rather than listed. */
  implicit?: boolean
}

export interface AggregatePlan {
  kind: 'aggregate'
  key: string
  fn: AggregateFn
  field?: string
  times?: string
  where?: Record<string, unknown>
}

export interface FormulaPlan {
  kind: 'formula'
  key: string
  node: FormulaNode
  decimals: number
}

export type MeasurePlan = AggregatePlan | FormulaPlan

/** A checked definition, independent of the caller (permissions are applied when it runs). */
export interface ReportPlan {
  definition: ReportDefinition
  entity: EntityDefinition
  dimensions: DimensionPlan[]
  measures: MeasurePlan[]
  /** The definition's filters without the `$` keys. */
  filters: Record<string, unknown>
  sort: Array<[string, 'asc' | 'desc']>
  limit?: number
  without?: WithoutSpec
  /** Field of the base entity that `from`/`to` and period grouping use. */
  dateField?: string
}

export const MAX_ROWS = 10_000
/** The date field of an entity when no period dimension names one. */
const DATE_FIELDS = ['orderDate', 'issueDate', 'occurredAt', 'receivedAt', 'startsAt', 'createdAt']
const KEY = /^[A-Za-z][A-Za-z0-9_]{0,62}$/

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)
const camelPath = (path: string) =>
  path
    .split('.')
    .map((p, i) => (i === 0 ? p : cap(p)))
    .join('')

/** The output name of a dimension: `partnerId`, `product.categoryId`, `orderDate:month`. */
function dimensionPlan(spec: DimensionSpec): DimensionPlan {
  if (typeof spec === 'string') {
    const [path, mod] = spec.split(':') as [string, string | undefined]
    if (mod === undefined) return { key: spec, path }
    if (mod === 'aging') return { key: spec, path, bucket: 'aging' }
    if ((PERIODS as readonly string[]).includes(mod)) return { key: spec, path, period: mod as Period }
    throw new PathError(`"${mod}" is not a period (${PERIODS.join(', ')}) or "aging"`)
  }
  const suffix = spec.period ? `:${spec.period}` : spec.bucket ? `:${spec.bucket}` : ''
  return {
    key: spec.as ?? `${spec.field}${suffix}`,
    path: spec.field,
    period: spec.period,
    bucket: spec.bucket,
  }
}

function measurePlan(spec: MeasureSpec): MeasurePlan {
  if ('formula' in spec)
    return { kind: 'formula', key: spec.as, node: parseFormula(spec.formula), decimals: spec.decimals ?? 2 }
  if ('aggregate' in spec) {
    const key =
      spec.aggregate === 'count' && spec.field === 'id'
        ? 'count'
        : `${spec.aggregate}${cap(camelPath(spec.field))}`
    return { kind: 'aggregate', key, fn: spec.aggregate, field: spec.field }
  }
  const key =
    spec.as ??
    (spec.field
      ? `${spec.fn}${cap(camelPath(spec.field))}${spec.times ? `Times${cap(camelPath(spec.times))}` : ''}`
      : spec.fn)
  return { kind: 'aggregate', key, fn: spec.fn, field: spec.field, times: spec.times, where: spec.where }
}

/** Checks one aggregate against the metadata (types the function can take). */
function checkAggregate(joins: Joins, m: AggregatePlan, at: string, problems: SpecProblem[]): void {
  const numericOnly = m.fn === 'sum' || m.fn === 'avg'
  if (!m.field) {
    if (m.fn !== 'count') problems.push({ path: `${at}/field`, message: `is required for ${m.fn}` })
    if (m.times) problems.push({ path: `${at}/times`, message: 'applies to sum only' })
  } else {
    try {
      const f = joins.resolve(m.field).field
      if (!isScalar(f))
        problems.push({ path: `${at}/field`, message: `"${m.field}" cannot be aggregated (${f.type})` })
      else if (numericOnly && !isNumeric(f))
        problems.push({
          path: `${at}/field`,
          message: `${m.fn} needs a number or money field; "${m.field}" is ${f.xType ?? f.format ?? f.type}`,
        })
      else if ((m.fn === 'min' || m.fn === 'max') && !isNumeric(f) && !isTemporal(f))
        problems.push({
          path: `${at}/field`,
          message: `${m.fn} needs a number, money or date field; "${m.field}" is ${f.type}`,
        })
    } catch (err) {
      if (!(err instanceof PathError)) throw err
      problems.push({ path: `${at}/field`, message: err.message })
    }
  }
  if (m.times) {
    if (m.fn !== 'sum') problems.push({ path: `${at}/times`, message: 'applies to sum only' })
    try {
      const f = joins.resolve(m.times).field
      if (!isNumeric(f))
        problems.push({ path: `${at}/times`, message: `"${m.times}" is not a number or money field` })
    } catch (err) {
      if (!(err instanceof PathError)) throw err
      problems.push({ path: `${at}/times`, message: err.message })
    }
  }
  if (m.where) collect(() => toFilter(joins, m.where!, `${at}/where`), problems)
}

function collect(fn: () => unknown, problems: SpecProblem[]): void {
  try {
    fn()
  } catch (err) {
    if (err instanceof SpecError) problems.push(...err.problems)
    else throw err
  }
}

function checkWithout(
  entities: Map<string, EntityDefinition>,
  base: Joins,
  w: unknown,
  problems: SpecProblem[],
): WithoutSpec | undefined {
  const at = '/filters/$without'
  if (!w || typeof w !== 'object' || Array.isArray(w)) {
    problems.push({ path: at, message: 'must be an object { entity, match, where?, within? }' })
    return undefined
  }
  const spec = w as WithoutSpec
  const other = typeof spec.entity === 'string' ? entities.get(spec.entity) : undefined
  if (!other) {
    problems.push({ path: `${at}/entity`, message: `unknown entity "${String(spec.entity)}"` })
    return undefined
  }
  const sub = new Joins(entities, other, 'w0', 'w')
  if (!spec.match || typeof spec.match !== 'object' || Object.keys(spec.match).length === 0)
    problems.push({
      path: `${at}/match`,
      message: 'must map at least one field of the other entity to one of this entity',
    })
  for (const [theirs, ours] of Object.entries(spec.match ?? {})) {
    if (!other.fields[theirs])
      problems.push({ path: `${at}/match/${theirs}`, message: `unknown field "${theirs}" on ${other.name}` })
    if (typeof ours !== 'string' || !base.base.fields[ours])
      problems.push({
        path: `${at}/match/${theirs}`,
        message: `unknown field "${String(ours)}" on ${base.base.name}`,
      })
  }
  if (spec.where) collect(() => toFilter(sub, spec.where!, `${at}/where`), problems)
  if (spec.within) {
    const f = other.fields[spec.within.field]
    if (!f || !isTemporal(f))
      problems.push({
        path: `${at}/within/field`,
        message: `"${String(spec.within.field)}" is not a date field of ${other.name}`,
      })
    if (!Number.isInteger(spec.within.days) || spec.within.days < 1)
      problems.push({ path: `${at}/within/days`, message: 'must be a positive integer' })
  }
  return spec
}

function checkSort(
  raw: unknown,
  keys: Set<string>,
  problems: SpecProblem[],
): Array<[string, 'asc' | 'desc']> {
  const out: Array<[string, 'asc' | 'desc']> = []
  if (raw === undefined) return out
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push({ path: '/filters/$sort', message: 'must be an object of column: 1 | -1' })
    return out
  }
  for (const [k, d] of Object.entries(raw)) {
    if (!keys.has(k))
      problems.push({
        path: `/filters/$sort/${k}`,
        message: `"${k}" is not a dimension or measure of this report`,
      })
    else if (String(d) === '1' || d === 'asc') out.push([k, 'asc'])
    else if (String(d) === '-1' || d === 'desc') out.push([k, 'desc'])
    else problems.push({ path: `/filters/$sort/${k}`, message: 'must be 1 or -1' })
  }
  return out
}

/**
 * Checks a definition against the entity metadata and plans it: every field, relation, period,
 * formula and filter is resolved; anything unknown is a 400 naming it.
 * @example compileReport(app.get('entities'), { code: 'x', name: 'X', entity: 'order', dimensions: ['partnerId'], measures: [{ fn: 'count' }] })
 */
export function compileReport(entities: Map<string, EntityDefinition>, def: ReportDefinition): ReportPlan {
  const problems: SpecProblem[] = []
  const entity = entities.get(def.entity)
  if (!entity) throw invalid([{ path: '/entity', message: `unknown entity "${def.entity}"` }])
  const joins = new Joins(entities, entity)
  const dimensions: DimensionPlan[] = []
  ;(def.dimensions ?? []).forEach((spec, i) => {
    const at = `/dimensions/${i}`
    try {
      const d = dimensionPlan(spec)
      const f = joins.resolve(d.path).field
      if (!isScalar(f)) problems.push({ path: at, message: `"${d.path}" cannot be grouped by (${f.type})` })
      if ((d.period || d.bucket) && !isTemporal(f))
        problems.push({
          path: at,
          message: `"${d.path}" is not a date field: it has no ${d.period ?? d.bucket}`,
        })
      dimensions.push(d)
    } catch (err) {
      if (!(err instanceof PathError)) throw err
      problems.push({ path: at, message: err.message })
    }
  })
  const explicitPeriod = dimensions.find((d) => d.period)
  let dateField =
    explicitPeriod && !explicitPeriod.path.includes('.')
      ? explicitPeriod.path
      : DATE_FIELDS.find((n) => entity.fields[n] && isTemporal(entity.fields[n]!))
  const grouping = def.periodGrouping && def.periodGrouping !== 'none' ? def.periodGrouping : undefined
  if (grouping && !explicitPeriod) {
    if (!dateField)
      problems.push({ path: '/periodGrouping', message: `${entity.name} has no date field to group by` })
    else
      dimensions.unshift({
        key: `${dateField}:${grouping}`,
        path: dateField,
        period: grouping,
        implicit: true,
      })
  }
  if (dateField && !entity.fields[dateField]) dateField = undefined

  const measures: MeasurePlan[] = []
  const seen = new Set(dimensions.map((d) => d.key))
  if (seen.size !== dimensions.length)
    problems.push({ path: '/dimensions', message: 'two dimensions have the same name; give one an "as"' })
  if (!def.measures?.length) problems.push({ path: '/measures', message: 'must list at least one measure' })
  ;(def.measures ?? []).forEach((spec, i) => {
    const at = `/measures/${i}`
    let m: MeasurePlan
    try {
      m = measurePlan(spec)
    } catch (err) {
      if (!(err instanceof FormulaError)) throw err
      problems.push({ path: `${at}/formula`, message: err.message })
      return
    }
    if (!KEY.test(m.key))
      problems.push({ path: at, message: `"${m.key}" is not a valid column name (letters, digits, _)` })
    if (seen.has(m.key))
      problems.push({
        path: at,
        message: `"${m.key}" is already a column of this report; give it another "as"`,
      })
    if (m.kind === 'formula') {
      for (const ref of formulaRefs(m.node)) {
        if (!measures.some((x) => x.key === ref))
          problems.push({
            path: `${at}/formula`,
            message: `"${ref}" is not a measure listed before this one`,
          })
      }
    } else checkAggregate(joins, m, at, problems)
    seen.add(m.key)
    measures.push(m)
  })

  const { $sort, $limit, $without, ...filters } = def.filters ?? {}
  collect(() => toFilter(joins, filters, '/filters'), problems)
  const sort = checkSort($sort, seen, problems)
  let limit: number | undefined
  if ($limit !== undefined) {
    if (!Number.isInteger(Number($limit)) || Number($limit) < 1 || Number($limit) > MAX_ROWS)
      problems.push({ path: '/filters/$limit', message: `must be an integer from 1 to ${MAX_ROWS}` })
    else limit = Number($limit)
  }
  const without = $without === undefined ? undefined : checkWithout(entities, joins, $without, problems)
  if (def.schedule) collect(() => checkSchedule(def.schedule!), problems)
  if (problems.length) throw invalid(problems)
  return { definition: def, entity, dimensions, measures, filters, sort, limit, without, dateField }
}

function checkSchedule(expr: string): void {
  try {
    parseCron(expr)
  } catch (err) {
    throw new SpecError([{ path: '/schedule', message: (err as Error).message }])
  }
}

/** A 400 listing every problem; the message names the first. */
export function invalid(problems: SpecProblem[]): BadRequest {
  const first = problems[0]!
  return new BadRequest(`Invalid report definition: ${first.path} ${first.message}`, { errors: problems })
}

export type { ColumnType, FieldRef }
