import type { LocalizedText } from '@plume/metadata'

/**
 * The report definition format (stored in `report_definitions`, see docs/reporting.md).
 * A report groups one entity's rows by dimensions and aggregates them by measures.
 */

export const PERIODS = ['day', 'week', 'month', 'quarter', 'year'] as const
export type Period = (typeof PERIODS)[number]

/** How a report shows: a table, or a bar, line or pie chart (with its table). */
export const CHARTS = ['table', 'bar', 'line', 'pie'] as const
export type ChartKind = (typeof CHARTS)[number]

export const AGGREGATES = ['count', 'countDistinct', 'sum', 'avg', 'min', 'max'] as const
export type AggregateFn = (typeof AGGREGATES)[number]

/** `"partnerId"`, `"product.categoryId"`, `"orderDate:month"`, `"dueDate:aging"`, or the object form. */
export type DimensionSpec = string | { field: string; period?: Period; bucket?: 'aging'; as?: string }

/** An aggregate of a field (optionally multiplied by another, optionally over a subset of rows). */
export interface AggregateMeasure {
  fn: AggregateFn
  field?: string
  /** `sum(field × times)`, e.g. `quantity × product.cost`. */
  times?: string
  /** Only rows matching this query count (SQL `FILTER (WHERE …)`). */
  where?: Record<string, unknown>
  as?: string
}

/** Arithmetic over other measures of the same report: `"revenue - cost"`. */
export interface FormulaMeasure {
  formula: string
  as: string
  /** Decimal places of the result (default 2). */
  decimals?: number
}

/** The form `metadata/entities/reporting/reportDefinition.json` declares today. */
export interface MetadataMeasure {
  field: string
  aggregate: 'count' | 'sum' | 'avg' | 'min' | 'max'
}

export type MeasureSpec = AggregateMeasure | FormulaMeasure | MetadataMeasure

/** Rows of the base entity that have no matching row in another entity (e.g. no recent shipment). */
export interface WithoutSpec {
  entity: string
  /** `{ <field of entity>: <field of the base entity> }`. */
  match: Record<string, string>
  where?: Record<string, unknown>
  /** Only rows of the last `days` days (before `asOf`) count; `days` can be changed at run time. */
  within?: { field: string; days: number }
}

export interface ReportDefinition {
  id?: number
  code: string
  name: string
  /** The name in each language (screens show the user's; `name` is the fallback). */
  label?: Partial<LocalizedText> | null
  entity: string
  dimensions?: DimensionSpec[]
  measures?: MeasureSpec[]
  /** Feathers query on the entity (keys may be relation paths), plus `$sort`, `$limit`, `$without`. */
  filters?: Record<string, unknown>
  periodGrouping?: 'none' | Period | null
  /** How screens show it (`table` by default). */
  chart?: ChartKind | null
  builtIn?: boolean
  schedule?: string | null
  createdAt?: string | Date
}

/** What a caller may pass when running a report. */
export interface RunParams {
  /** Inclusive start (ISO date or date-time) on the report's date field. */
  from?: string
  /** End: a date-time is exclusive, a bare date includes that day. */
  to?: string
  /** Reference date for aging buckets and `within` windows (default now). */
  asOf?: string
  /** Overrides `$without.within.days`. */
  days?: number
  /** Overrides the period of period dimensions; `none` drops them. */
  period?: 'none' | Period
  /** Extra filters, ANDed with the definition's. */
  filters?: Record<string, unknown>
  /** At most this many rows (≤ the definition's `$limit`, ≤ 10 000). */
  limit?: number
}

export type ColumnType = 'integer' | 'decimal' | 'text' | 'boolean' | 'date' | 'datetime' | 'period'

export interface ResultColumn {
  key: string
  kind: 'dimension' | 'measure'
  type: ColumnType
  /** Field path the column comes from (dimensions and field measures). */
  field?: string
  /** English and Chinese label of the shared measure names (`netSales`, `tax`, `grossSales` …). */
  label?: LocalizedText
}

export interface ReportResult {
  report: {
    id?: number
    code: string
    name: string
    entity: string
    label?: Partial<LocalizedText> | null
    chart?: ChartKind | null
  }
  /** False when the report cannot run here (e.g. its entity's plugin is not installed). */
  available: boolean
  message?: string
  columns: ResultColumn[]
  rows: Array<Record<string, unknown>>
  /** More rows matched than were returned. */
  truncated: boolean
  params: Record<string, unknown>
  generatedAt: string
}
