/**
 * Pure helpers of the report runner: names in the user's language, run parameters as a query,
 * the chart a result is drawn as, and the schedule presets. No Vue, no DOM (unit-tested).
 */
export type Lang = 'en' | 'zh-CN'
type Text = Partial<Record<Lang, string>>

export interface ReportColumn {
  key: string
  kind: 'dimension' | 'measure'
  type: string
  field?: string
  label?: Text
}

export interface ReportRun {
  report: { code: string; name: string }
  available: boolean
  message?: string
  columns: ReportColumn[]
  rows: Array<Record<string, unknown>>
  truncated: boolean
  generatedAt: string
}

/**
 * What `GET /api/reports/:id` says a run takes (server: src/definition/parameters.ts; restated
 * here because the server module's imports reach into core, which the UI build must not type-check).
 */
export interface ReportParameters {
  dateField?: string
  period?: string
  asOf: boolean
  days?: number
  filters: Array<{ field: string; entity: string }>
}

export interface ReportDef {
  id: number
  code: string
  name: string
  label?: Text | null
  entity: string
  periodGrouping?: string | null
  builtIn?: boolean
  schedule?: string | null
  parameters?: ReportParameters
}

/**
 * A report's name in `lang`: its label in that language, else its name.
 * @example reportName({ name: 'Sales by partner', label: { 'zh-CN': '按合作伙伴销售' } }, 'zh-CN') // '按合作伙伴销售'
 */
export const reportName = (def: Pick<ReportDef, 'name' | 'label'>, lang: Lang): string =>
  def.label?.[lang] || def.name

/** A column's title: the server's label in `lang`, else the label of the field it comes from (`fieldLabel`), else its key. */
export function columnTitle(
  c: ReportColumn,
  lang: Lang,
  fieldLabel: (field: string) => string | undefined = () => undefined,
): string {
  return c.label?.[lang] || (c.field ? fieldLabel(c.field) : undefined) || c.key
}

/** What the user set on the runner's form. */
export interface RunForm {
  range: [string, string] | null
  period: string
  asOf: string
  days: number | null
  filters: Record<string, number | null>
}

/**
 * The run's query string (`GET /api/reports/:id/run`): empty values are left out, filters as JSON.
 * @example runQuery({ range: ['2026-01-01', '2026-03-31'], period: 'month', asOf: '', days: null, filters: { partnerId: 4 } })
 *   // { from: '2026-01-01', to: '2026-03-31', period: 'month', filters: '{"partnerId":4}' }
 */
export function runQuery(f: RunForm): Record<string, string> {
  const q: Record<string, string> = {}
  if (f.range) [q.from, q.to] = f.range
  if (f.period) q.period = f.period
  if (f.asOf) q.asOf = f.asOf
  if (f.days) q.days = String(f.days)
  const filters = Object.fromEntries(Object.entries(f.filters).filter(([, v]) => typeof v === 'number'))
  if (Object.keys(filters).length) q.filters = JSON.stringify(filters)
  return q
}

/** The measure a chart shows: the first of the shared money measures the result has, else its first measure. */
const PREFERRED = [
  'netSales',
  'outstanding',
  'value',
  'margin',
  'commission',
  'compliancePct',
  'onHand',
  'units',
  'orders',
]

/**
 * An ECharts option for a result: a line over a period dimension, else bars of the best-named
 * dimension (a `…Name` column when there is one), at most 20 bars; undefined when there is nothing
 * to draw. Numbers are parsed from the decimal strings for drawing only.
 */
export function chartOption(
  run: ReportRun,
  title: (c: ReportColumn) => string,
  none = '—',
): Record<string, unknown> | undefined {
  const dims = run.columns.filter((c) => c.kind === 'dimension')
  const measures = run.columns.filter((c) => c.kind === 'measure')
  const measure = PREFERRED.map((k) => measures.find((m) => m.key === k)).find((m) => !!m) ?? measures[0]
  if (!measure || run.rows.length === 0) return undefined
  const period = dims.find((d) => d.type === 'period')
  const named =
    dims.find((d) => d.type === 'text' && /name$/i.test(d.key)) ??
    dims.find((d) => d.type === 'text') ??
    dims[0]
  const category = period ?? named
  const rows = period
    ? [...run.rows].sort((a, b) => String(a[period.key]).localeCompare(String(b[period.key])))
    : run.rows.slice(0, 20)
  const labels = rows.map((r) => (category ? String(r[category.key] ?? none) : run.report.name))
  const values = rows.map((r) => Number(r[measure.key] ?? 0))
  const name = title(measure)
  if (period) {
    return {
      tooltip: { trigger: 'axis' },
      grid: { left: 64, right: 16, top: 24, bottom: 30 },
      xAxis: { type: 'category', data: labels },
      yAxis: { type: 'value', name },
      series: [{ type: 'line', smooth: true, areaStyle: { opacity: 0.15 }, data: values, name }],
    }
  }
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 8, right: 24, top: 8, bottom: 24, containLabel: true },
    xAxis: { type: 'value', splitNumber: 3, axisLabel: { hideOverlap: true } },
    yAxis: { type: 'category', data: labels.reverse(), axisLabel: { width: 120, overflow: 'truncate' } },
    series: [{ type: 'bar', data: values.reverse(), name }],
  }
}

/** Schedule presets (cron, UTC) offered before a custom expression. */
export const SCHEDULES = [
  { key: 'scheduleNone', cron: '' },
  { key: 'scheduleDaily', cron: '0 7 * * *' },
  { key: 'scheduleWeekly', cron: '0 7 * * 1' },
  { key: 'scheduleMonthly', cron: '0 7 1 * *' },
] as const

/** The preset a stored schedule is, or `scheduleCustom`. */
export const scheduleKey = (cron: string | null | undefined): string =>
  SCHEDULES.find((s) => s.cron === (cron ?? '').trim())?.key ?? 'scheduleCustom'
