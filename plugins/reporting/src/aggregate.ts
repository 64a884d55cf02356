import { BadRequest } from '@feathersjs/errors'
import type { PlumeApp } from '@plume/core'
import {
  AGGREGATES,
  PERIODS,
  type AggregateFn,
  type MeasureSpec,
  type ReportDefinition,
  type ReportResult,
} from './definition/types.js'
import { runReport } from './run.js'

interface Caller {
  provider?: string
  user?: unknown
}

const bad = (param: string, message: string) =>
  new BadRequest(`Invalid aggregate parameter: ${param} ${message}`, {
    errors: [{ path: `/${param}`, message }],
  })
const FIELD = /^[A-Za-z][A-Za-z0-9_]{0,62}(\.[A-Za-z][A-Za-z0-9_]{0,62}){0,2}$/
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)
const camelPath = (path: string) =>
  path
    .split('.')
    .map((p, i) => (i === 0 ? p : cap(p)))
    .join('')
const text = (v: unknown, param: string): string | undefined => {
  if (v === undefined || v === '') return undefined
  if (typeof v !== 'string') throw bad(param, 'must be given once, as text')
  return v
}

/**
 * `count`, `<fn>:<field>` (sum, avg, min, max, countDistinct) or `sum:<field>-<field>` (the
 * difference of two sums, e.g. net sales `sum:total-taxTotal`, keyed `sumTotalMinusTaxTotal`).
 * @example measureSpecs('count,sum:total-taxTotal')
 */
export function measureSpecs(raw: string): MeasureSpec[] {
  const out: MeasureSpec[] = []
  for (const token of raw.split(',').map((t) => t.trim())) {
    if (token === 'count') {
      out.push({ fn: 'count' })
      continue
    }
    const [fn, expr, extra] = token.split(':')
    if (
      !fn ||
      !(AGGREGATES as readonly string[]).includes(fn) ||
      fn === 'count' ||
      extra !== undefined ||
      !expr
    )
      throw bad(
        'measure',
        `"${token.slice(0, 60)}" is not a measure (count, or sum|avg|min|max|countDistinct:<field>)`,
      )
    const [field, minus, more] = expr.split('-')
    for (const f of [field, minus])
      if (f !== undefined && !FIELD.test(f)) throw bad('measure', `"${f.slice(0, 60)}" is not a field name`)
    if (more !== undefined || (minus !== undefined && fn !== 'sum'))
      throw bad('measure', `"${token.slice(0, 60)}": only sum:<field>-<field> subtracts`)
    out.push({ fn: fn as AggregateFn, field: field! })
    if (minus !== undefined) {
      out.push({ fn: 'sum', field: minus })
      out.push({
        formula: `sum${cap(camelPath(field!))} - sum${cap(camelPath(minus))}`,
        as: `sum${cap(camelPath(field!))}Minus${cap(camelPath(minus))}`,
      })
    }
  }
  return out
}

/**
 * Figures of one entity grouped by a field and/or a period, as a report run with the caller's
 * permissions (rows they may not see are not counted): what dashboard cards read.
 * @example await aggregate(app, { entity: 'order', measure: 'sum:total', groupBy: 'status' }, params)
 */
export async function aggregate(
  app: PlumeApp,
  query: Record<string, unknown>,
  caller: Caller,
): Promise<ReportResult> {
  const { entity: rawEntity, measure, groupBy, period, dateField, sort, limit, ...run } = query
  const entity = text(rawEntity, 'entity')
  if (!entity || !app.get('entities').has(entity))
    throw bad('entity', `"${String(entity ?? '').slice(0, 60)}" is not an entity`)
  const measures = measureSpecs(text(measure, 'measure') ?? 'count')
  const dimensions: string[] = []
  const p = text(period, 'period')
  const d = text(dateField, 'dateField')
  if (d !== undefined && !FIELD.test(d)) throw bad('dateField', 'is not a field name')
  if (p !== undefined && p !== 'none') {
    if (!(PERIODS as readonly string[]).includes(p))
      throw bad('period', `must be one of none, ${PERIODS.join(', ')}`)
    if (!d) throw bad('dateField', 'is required with period')
    dimensions.push(`${d}:${p}`)
  }
  const g = text(groupBy, 'groupBy')
  if (g !== undefined) {
    if (!FIELD.test(g)) throw bad('groupBy', 'is not a field name')
    dimensions.push(g)
  }
  const s = text(sort, 'sort')
  const order = s ? { [s.replace(/^-/, '')]: s.startsWith('-') ? -1 : 1 } : undefined
  const definition: ReportDefinition = {
    code: 'aggregate',
    name: 'Aggregate',
    entity,
    dimensions,
    measures,
    filters: { ...(order ? { $sort: order } : {}) },
    periodGrouping: null,
  }
  const values = { ...run, ...(limit !== undefined ? { limit } : {}) }
  if (order && limit !== undefined) definition.filters!.$limit = Number(limit)
  return runReport(app, definition, values, caller)
}
