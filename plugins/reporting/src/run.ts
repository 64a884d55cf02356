import { BadRequest, NotFound } from '@feathersjs/errors'
import { asOfSource, type PlumeApp } from '@plume/core'
import type { Knex } from 'knex'
import { Decimal } from 'decimal.js'
import { accessFor } from './access.js'
import { columnLabel } from './measures.js'
import { compileReport, MAX_ROWS, type ReportPlan } from './definition/compile.js'
import {
  PERIODS,
  type Period,
  type ReportDefinition,
  type ReportResult,
  type RunParams,
} from './definition/types.js'
import { AGING_BUCKETS, buildQuery, type BuiltColumn, type RunValues } from './query/build.js'

export const DEFINITIONS_TABLE = 'report_definitions'

interface Caller {
  provider?: string
  user?: unknown
}

/**
 * A stored definition by id or code (404 when neither matches).
 * @example await loadDefinition(app, 'sales-by-partner')
 */
export async function loadDefinition(app: PlumeApp, idOrCode: string | number): Promise<ReportDefinition> {
  const key = String(idOrCode)
  const qb = app.get('db').knex(DEFINITIONS_TABLE)
  const row = (await (
    /^\d{1,10}$/.test(key) ? qb.where('id', Number(key)).orWhere('code', key) : qb.where('code', key)
  ).first()) as ReportDefinition | undefined
  if (!row) throw new NotFound(`No report "${key.slice(0, 40)}"`)
  return row
}

const DATE = /^\d{4}-\d{2}-\d{2}$/

function isoTime(raw: unknown, path: string): string | undefined {
  if (raw === undefined || raw === '') return undefined
  if (typeof raw !== 'string' || Number.isNaN(Date.parse(raw)))
    throw new BadRequest(`Invalid report parameter: ${path} must be an ISO-8601 date or date-time`, {
      errors: [{ path: `/${path}`, message: 'must be an ISO-8601 date or date-time' }],
    })
  return raw
}

function intParam(raw: unknown, path: string, min: number, max: number): number | undefined {
  if (raw === undefined || raw === '') return undefined
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max)
    throw new BadRequest(`Invalid report parameter: ${path} must be an integer from ${min} to ${max}`, {
      errors: [{ path: `/${path}`, message: `must be an integer from ${min} to ${max}` }],
    })
  return n
}

/**
 * Checks run parameters as they arrive (query strings are text; `filters` may be JSON text).
 * @example runValues({ from: '2026-01-01', to: '2026-03-31', period: 'month' })
 */
export function runValues(raw: RunParams | Record<string, unknown>): RunValues {
  const p = raw as Record<string, unknown>
  const known = new Set(['from', 'to', 'asOf', 'days', 'period', 'filters', 'limit', 'format'])
  const unknown = Object.keys(p).find((k) => !known.has(k))
  if (unknown)
    throw new BadRequest(
      `Invalid report parameter: "${unknown}" is not a parameter (from, to, asOf, days, period, filters, limit, format)`,
      { errors: [{ path: `/${unknown}`, message: 'is not a known parameter' }] },
    )
  const from = isoTime(p.from, 'from')
  let to = isoTime(p.to, 'to')
  // a bare end date includes that whole day
  if (to && DATE.test(to)) to = new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).toISOString()
  const asOfText = isoTime(p.asOf, 'asOf')
  const asOf = asOfText ? new Date(DATE.test(asOfText) ? `${asOfText}T00:00:00Z` : asOfText) : new Date()
  let period: RunValues['period']
  if (p.period !== undefined && p.period !== '') {
    if (p.period !== 'none' && !(PERIODS as readonly unknown[]).includes(p.period))
      throw new BadRequest(`Invalid report parameter: period must be one of none, ${PERIODS.join(', ')}`, {
        errors: [{ path: '/period', message: 'is not a period' }],
      })
    period = p.period as 'none' | Period
  }
  let filters = p.filters
  if (typeof filters === 'string') {
    try {
      filters = JSON.parse(filters) as unknown
    } catch {
      throw new BadRequest('Invalid report parameter: filters must be a query object (or its JSON)', {
        errors: [{ path: '/filters', message: 'is not JSON' }],
      })
    }
  }
  if (filters !== undefined && (!filters || typeof filters !== 'object' || Array.isArray(filters)))
    throw new BadRequest('Invalid report parameter: filters must be a query object', {
      errors: [{ path: '/filters', message: 'must be an object' }],
    })
  return {
    from,
    to,
    asOf,
    days: intParam(p.days, 'days', 1, 3650),
    period,
    filters: filters as Record<string, unknown> | undefined,
    limit: intParam(p.limit, 'limit', 1, MAX_ROWS) ?? MAX_ROWS,
  }
}

function periodLabel(epoch: unknown, period: Period): string | null {
  if (epoch === null || epoch === undefined) return null
  const d = new Date(Number(epoch) * 1000)
  const y = d.getUTCFullYear()
  const m = String(d.getUTCMonth() + 1).padStart(2, '0')
  switch (period) {
    case 'year':
      return String(y)
    case 'quarter':
      return `${y}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`
    case 'month':
      return `${y}-${m}`
    case 'day':
      return d.toISOString().slice(0, 10)
    case 'week': {
      // date_trunc('week') gives the ISO Monday; its Thursday decides the ISO year
      const thursday = new Date(d.getTime() + 3 * 86_400_000)
      const jan1 = Date.UTC(thursday.getUTCFullYear(), 0, 1)
      const week = Math.floor((thursday.getTime() - jan1) / (7 * 86_400_000)) + 1
      return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`
    }
  }
}

const pad = (n: number) => String(n).padStart(2, '0')

function value(c: BuiltColumn, v: unknown): unknown {
  if (v === null || v === undefined) return null
  switch (c.type) {
    case 'integer':
      return Number(v)
    case 'decimal':
      return new Decimal(String(v)).toFixed(c.scale ?? 2)
    case 'period':
      return periodLabel(v, c.period!)
    case 'date':
      // the pg driver reads a date as local midnight
      return v instanceof Date
        ? `${v.getFullYear()}-${pad(v.getMonth() + 1)}-${pad(v.getDate())}`
        : String(v).slice(0, 10)
    case 'datetime':
      return v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString()
    default:
      return v
  }
}

/** With aging as the only dimension every bucket is shown, empty ones as zero. */
function fillAging(
  columns: BuiltColumn[],
  rows: Array<Record<string, unknown>>,
): Array<Record<string, unknown>> {
  const dims = columns.filter((c) => c.kind === 'dimension')
  if (dims.length !== 1 || !dims[0]!.key.endsWith(':aging')) return rows
  const key = dims[0]!.key
  return AGING_BUCKETS.map(
    (b) =>
      rows.find((r) => r[key] === b) ??
      Object.fromEntries(
        columns.map((c) => [
          c.key,
          c.kind === 'dimension'
            ? b
            : c.type === 'integer'
              ? 0
              : c.type === 'decimal'
                ? new Decimal(0).toFixed(c.scale ?? 2)
                : null,
        ]),
      ),
  )
}

/** Who the result is of: a screen names it in the reader's language and draws its chart (no definition read needed). */
const reportOf = (def: ReportDefinition): ReportResult['report'] => ({
  id: def.id,
  code: def.code,
  name: def.name,
  entity: def.entity,
  ...(def.label ? { label: def.label } : {}),
  ...(def.chart ? { chart: def.chart } : {}),
})

function unavailable(def: ReportDefinition, message: string, params: Record<string, unknown>): ReportResult {
  return {
    report: reportOf(def),
    available: false,
    message,
    columns: [],
    rows: [],
    truncated: false,
    params,
    generatedAt: new Date().toISOString(),
  }
}

/**
 * Runs a report for a caller, with their row and field permissions (see access.ts).
 * A built-in report whose entity is not installed answers `available: false` with a message.
 * @example await runReport(app, 'sales-by-partner', { from: '2026-01-01' }, params)
 */
export async function runReport(
  app: PlumeApp,
  definition: ReportDefinition | string | number,
  raw: RunParams | Record<string, unknown> = {},
  caller: Caller = {},
): Promise<ReportResult> {
  const def = typeof definition === 'object' ? definition : await loadDefinition(app, definition)
  const values = runValues(raw)
  const echo: Record<string, unknown> = {
    ...(values.from ? { from: values.from } : {}),
    ...(values.to ? { to: values.to } : {}),
    asOf: values.asOf.toISOString(),
    ...(values.period ? { period: values.period } : {}),
    ...(values.days ? { days: values.days } : {}),
    ...(values.filters ? { filters: values.filters } : {}),
  }
  const entities = app.get('entities')
  const missing = [def.entity, ...entityNamesOf(def)].find((n) => !entities.has(n))
  if (missing)
    return unavailable(
      def,
      `Report "${def.code}" is not available: entity "${missing}" is not installed`,
      echo,
    )
  let plan: ReportPlan
  try {
    plan = compileReport(entities, def)
  } catch (err) {
    if (def.builtIn && err instanceof BadRequest)
      return unavailable(def, `Report "${def.code}" is not available: ${err.message}`, echo)
    throw err
  }
  const knex = app.get('db').knex
  const day = values.asOf.toISOString().slice(0, 10)
  const { qb, columns } = buildQuery(knex, entities, plan, await accessFor(app, caller), values, (e) =>
    asOfSource(app, e.name)?.(day),
  )
  const rawRows = await execute(knex, qb)
  const limit = Math.min(values.limit, plan.limit ?? MAX_ROWS)
  const truncated = rawRows.length > limit
  const rows = rawRows
    .slice(0, limit)
    .map((r) => Object.fromEntries(columns.map((c) => [c.key, value(c, r[c.sql])])))
  return {
    report: reportOf(def),
    available: true,
    columns: columns.map((c) => ({
      key: c.key,
      kind: c.kind,
      type: c.type,
      ...(c.field ? { field: c.field } : {}),
      ...(columnLabel(c.key) ? { label: columnLabel(c.key) } : {}),
    })),
    rows: fillAging(columns, rows),
    truncated,
    params: echo,
    generatedAt: new Date().toISOString(),
  }
}

/**
 * On PostgreSQL a report runs with more sort/hash memory (its joins and distinct counts stay in
 * memory) and without JIT (compiling costs more than it saves on these short aggregates); the
 * settings last for its read-only transaction only.
 */
async function execute(knex: Knex, qb: Knex.QueryBuilder): Promise<Array<Record<string, unknown>>> {
  if ((knex.client as { config?: { client?: unknown } }).config?.client !== 'pg')
    return (await qb) as Array<Record<string, unknown>>
  return knex.transaction(
    async (trx) => {
      await trx.raw("set local work_mem = '64MB'")
      await trx.raw('set local jit = off')
      return (await qb.transacting(trx)) as Array<Record<string, unknown>>
    },
    { readOnly: true },
  )
}

/** Entities a definition reads besides its own (the `$without` one). */
function entityNamesOf(def: ReportDefinition): string[] {
  const w = def.filters?.$without as { entity?: unknown } | undefined
  return w && typeof w.entity === 'string' ? [w.entity] : []
}
