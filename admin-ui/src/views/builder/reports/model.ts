/**
 * The report designer's form and the report definition it stands for (docs/reporting.md), both
 * ways, plus the chart a result is drawn as. Pure (unit-tested): no Vue, no DOM.
 */
import type { EntityMeta } from '../../../types/meta'
import { readRow, rowQuery, type FieldKind, type RowLeaf } from '../rules/model'

export const PERIODS = ['day', 'week', 'month', 'quarter', 'year'] as const
export const CHARTS = ['bar', 'line', 'pie', 'table'] as const
export const FNS = ['count', 'sum', 'avg', 'min', 'max'] as const
export type Period = (typeof PERIODS)[number]
export type ChartKind = (typeof CHARTS)[number]
export type Fn = (typeof FNS)[number]

export interface DimRow {
  /** A field, or a relation's title (`partner.name`). */
  field: string
  /** A date field's period grouping ('' = the value itself). */
  period: Period | ''
}
export interface MeasureRow {
  fn: Fn
  field: string
}
export interface ReportForm {
  code: string
  nameEn: string
  nameZh: string
  entity: string
  dims: DimRow[]
  measures: MeasureRow[]
  filterJoin: 'all' | 'any'
  filters: RowLeaf[]
  sortBy: string
  sortDir: 1 | -1
  limit: number | null
  chart: ChartKind
  /** Parts of a stored definition the form cannot show (formulas, `$without` …), kept as they are. */
  kept?: { measures?: unknown[]; filters?: Record<string, unknown> }
}
export type Definition = Record<string, unknown> & { code: string; name: string; entity: string }

export const emptyReport = (): ReportForm => ({
  code: '',
  nameEn: '',
  nameZh: '',
  entity: '',
  dims: [],
  measures: [{ fn: 'count', field: '' }],
  filterJoin: 'all',
  filters: [],
  sortBy: '',
  sortDir: -1,
  limit: null,
  chart: 'bar',
})

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)
const camel = (path: string) =>
  path
    .split('.')
    .map((p, i) => (i ? cap(p) : p))
    .join('')

/** A dimension's column key: `status`, `orderDate:month`, `partnerName` (a relation title). */
export const dimKey = (d: DimRow): string => (d.period ? `${d.field}:${d.period}` : camel(d.field))
/** A measure's column key: `count`, `sumTotal`, `avgLineTotal`. */
export const measureKey = (m: MeasureRow): string =>
  m.fn === 'count' ? 'count' : `${m.fn}${cap(camel(m.field))}`

/** Where the designer's choices come from: the fields of an entity, by what they may be used as. */
export interface FieldChoices {
  /** Fields and relation titles to group by. */
  dimensions: string[]
  /** Date and date-time fields (a period applies). */
  dates: string[]
  /** Number and money fields (sum, avg, min, max). */
  numbers: string[]
  /** Fields a filter may name. */
  filters: string[]
}
const GROUPABLE = new Set(['string', 'integer', 'boolean'])

/**
 * The choices an entity offers: plain fields (not JSON, not secret), and for each belongsTo relation
 * its entity's title field (`partner.name`).
 * @example fieldChoices(order, byName).numbers // ['subtotal', 'taxTotal', 'total', …]
 */
export function fieldChoices(e: EntityMeta | undefined, byName: Map<string, EntityMeta>): FieldChoices {
  const out: FieldChoices = { dimensions: [], dates: [], numbers: [], filters: [] }
  if (!e) return out
  for (const f of Object.values(e.fields)) {
    if (f.sensitive || f.writeOnly || f.xType === 'json' || (!GROUPABLE.has(f.type) && f.type !== 'number'))
      continue
    out.filters.push(f.name)
    if (f.format === 'date' || f.format === 'date-time') out.dates.push(f.name)
    if (f.type === 'number' || (f.type === 'integer' && !f.ref && f.name !== 'id') || f.xType === 'money')
      out.numbers.push(f.name)
    if (f.type !== 'number' && f.xType !== 'money' && f.name !== 'id') out.dimensions.push(f.name)
  }
  for (const r of Object.values(e.relations)) {
    if (r.kind !== 'belongsTo') continue
    const title = byName.get(r.entity)?.ui.titleField
    if (title) out.dimensions.push(`${r.name}.${title}`)
  }
  return out
}

/**
 * The definition the form describes (what `api/reports` stores and `api/report-preview` runs).
 * @example toDefinition({ ...emptyReport(), code: 'x', nameEn: 'X', entity: 'order' }).measures // [{ fn: 'count', as: 'count' }]
 */
export function toDefinition(
  f: ReportForm,
  kindOf: (field: string) => FieldKind | undefined = () => undefined,
): Definition {
  const dimensions = f.dims
    .filter((d) => d.field)
    .map((d) =>
      d.period
        ? `${d.field}:${d.period}`
        : d.field.includes('.')
          ? { field: d.field, as: dimKey(d) }
          : d.field,
    )
  const measures: unknown[] = f.measures
    .filter((m) => m.fn === 'count' || m.field)
    .map((m) =>
      m.fn === 'count' ? { fn: 'count', as: 'count' } : { fn: m.fn, field: m.field, as: measureKey(m) },
    )
  const filters: Record<string, unknown> = { ...(f.kept?.filters ?? {}) }
  const where = rowQuery(f.filters, f.filterJoin, kindOf)
  if (where && '$or' in where && '$or' in filters) filters.$and = [{ $or: filters.$or }, where]
  else Object.assign(filters, where)
  if (f.sortBy) filters.$sort = { [f.sortBy]: f.sortDir }
  if (f.limit) filters.$limit = f.limit
  const label = { en: f.nameEn, 'zh-CN': f.nameZh || f.nameEn }
  return {
    code: f.code,
    name: f.nameEn,
    label,
    entity: f.entity,
    dimensions,
    measures: [...measures, ...(f.kept?.measures ?? [])],
    filters,
    periodGrouping: 'none',
    chart: f.chart,
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v)

/** The form showing a stored definition; what it cannot show is kept under `kept`. */
export function fromDefinition(d: Definition): ReportForm {
  const f = emptyReport()
  const label = (isObj(d.label) ? d.label : {}) as Record<string, string>
  Object.assign(f, {
    code: d.code,
    nameEn: label.en || d.name,
    nameZh: label['zh-CN'] || '',
    entity: d.entity,
    chart: (CHARTS as readonly unknown[]).includes(d.chart) ? (d.chart as ChartKind) : 'table',
  })
  f.dims = ((d.dimensions as unknown[]) ?? []).map((x) => {
    const spec = typeof x === 'string' ? { field: x.split(':')[0]!, period: x.split(':')[1] } : (x as DimRow)
    const period = (PERIODS as readonly unknown[]).includes(spec.period) ? (spec.period as Period) : ''
    return { field: spec.field, period }
  })
  const kept: unknown[] = []
  f.measures = []
  for (const m of (d.measures as Array<Record<string, unknown>>) ?? []) {
    const fn = m.fn as Fn
    if ((FNS as readonly unknown[]).includes(fn) && !m.times && !m.where && (fn === 'count' || m.field))
      f.measures.push({ fn, field: fn === 'count' ? '' : String(m.field) })
    else kept.push(m)
  }
  const { $sort, $limit, ...rest } = (isObj(d.filters) ? d.filters : {}) as Record<string, unknown>
  if (isObj($sort)) {
    const [key, dir] = Object.entries($sort)[0] ?? []
    if (key) [f.sortBy, f.sortDir] = [key, dir === 1 ? 1 : -1]
  }
  if (typeof $limit === 'number') f.limit = $limit
  const inForm = (k: string) => !k.startsWith('$') || k === '$or' || k === '$and'
  const plain = Object.fromEntries(Object.entries(rest).filter(([k]) => inForm(k)))
  const other = Object.fromEntries(Object.entries(rest).filter(([k]) => !inForm(k)))
  const row = Object.keys(plain).length ? readRow(plain) : { join: 'all' as const, rows: [] }
  if (row) [f.filterJoin, f.filters] = [row.join, row.rows]
  const keptFilters = row ? other : rest
  if (kept.length || Object.keys(keptFilters).length)
    f.kept = {
      ...(kept.length ? { measures: kept } : {}),
      ...(Object.keys(keptFilters).length ? { filters: keptFilters } : {}),
    }
  return f
}

export interface RunColumn {
  key: string
  kind: 'dimension' | 'measure'
  type: string
  field?: string
  label?: Partial<Record<'en' | 'zh-CN', string>>
}
export interface RunResult {
  columns: RunColumn[]
  rows: Array<Record<string, unknown>>
  truncated: boolean
}

/**
 * An ECharts option drawing a result as `kind` (the first dimension along the axis or as slices, the
 * measures as series); undefined for `table` or nothing to draw. Decimal strings become numbers for
 * drawing only (the table shows them exact).
 */
export function chartFor(
  kind: ChartKind,
  run: RunResult,
  title: (c: RunColumn) => string,
  label: (c: RunColumn, v: unknown) => string = (_c, v) => String(v ?? '—'),
): Record<string, unknown> | undefined {
  const dim = run.columns.find((c) => c.kind === 'dimension')
  const measures = run.columns.filter((c) => c.kind === 'measure')
  if (kind === 'table' || !measures.length || !run.rows.length) return undefined
  const rows =
    dim?.type === 'period'
      ? [...run.rows].sort((a, b) => String(a[dim.key]).localeCompare(String(b[dim.key])))
      : run.rows.slice(0, 30)
  const labels = rows.map((r) => (dim ? label(dim, r[dim.key]) : title(measures[0]!)))
  const series = (m: RunColumn) => rows.map((r) => Number(r[m.key] ?? 0))
  if (kind === 'pie')
    return {
      tooltip: { trigger: 'item' },
      series: [
        {
          type: 'pie',
          radius: ['30%', '65%'],
          name: title(measures[0]!),
          data: labels.map((name, i) => ({ name, value: series(measures[0]!)[i] })),
        },
      ],
    }
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: labels, axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value' },
    series: measures.map((m) => ({
      type: kind,
      name: title(m),
      data: series(m),
      ...(kind === 'line' ? { smooth: true } : {}),
    })),
  }
}
