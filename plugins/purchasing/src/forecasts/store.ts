import type { Knex } from 'knex'
import { forecastSeries } from '@plume/plugin-inventory'
import { historyEnd, weeklyDemand, type DemandSeries } from '../replenish/history.js'
import { forecastHorizon, sources, type Source } from '../replenish/sources.js'

export const FORECASTS_TABLE = 'demand_forecasts'
/** Weeks of shipment history a forecast is computed from. */
export const HISTORY_WEEKS = 104
/** Level of the stored prediction interval. */
export const INTERVAL_LEVEL = 0.9

/** One row of `demand_forecasts` (numbers as stored: JSON arrays and double precision). */
export interface StoredForecast {
  productId: number
  warehouseId: number
  historyEnd: string
  horizon: number
  method: string
  params: Record<string, number>
  demandClass: string
  forecast: number[]
  lower: number[]
  upper: number[]
  intervalLevel: number
  sigmaTotal: number
  mase: number | null
  wape: number | null
  computedAt: string
}

const key = (productId: number, warehouseId: number) => `${productId}:${warehouseId}`
const r6 = (v: number) => Math.round(v * 1e6) / 1e6
const iso = (v: unknown) => new Date(v as string | Date).toISOString()

/** Chooses and fits the method of one series (forecastSeries) as a row to store. */
function computeOne(s: DemandSeries, horizon: number, end: Date, now: Date): StoredForecast {
  const f = forecastSeries(s.weeks, { season: 52, horizon, level: INTERVAL_LEVEL })
  return {
    productId: s.productId,
    warehouseId: s.warehouseId,
    historyEnd: end.toISOString(),
    horizon,
    method: f.method,
    params: f.params,
    demandClass: f.profile.demandClass,
    forecast: f.forecast.map(r6),
    lower: f.lower.map(r6),
    upper: f.upper.map(r6),
    intervalLevel: INTERVAL_LEVEL,
    sigmaTotal: r6(f.sigmaTotal),
    mase: f.mase === null || !Number.isFinite(f.mase) ? null : r6(f.mase),
    wape: f.wape === null || !Number.isFinite(f.wape) ? null : r6(f.wape),
    computedAt: now.toISOString(),
  }
}

async function save(db: Knex | Knex.Transaction, rows: StoredForecast[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    const chunk = rows.slice(i, i + 200).map((r) => ({
      ...r,
      params: JSON.stringify(r.params),
      forecast: JSON.stringify(r.forecast),
      lower: JSON.stringify(r.lower),
      upper: JSON.stringify(r.upper),
    }))
    await db(FORECASTS_TABLE)
      .insert(chunk)
      .onConflict(['productId', 'warehouseId'])
      .merge([
        'historyEnd',
        'horizon',
        'method',
        'params',
        'demandClass',
        'forecast',
        'lower',
        'upper',
        'intervalLevel',
        'sigmaTotal',
        'mase',
        'wape',
        'computedAt',
      ])
  }
}

function fromRow(r: Record<string, unknown>): StoredForecast {
  const arr = (v: unknown) => (typeof v === 'string' ? (JSON.parse(v) as number[]) : (v as number[]))
  return {
    ...(r as unknown as StoredForecast),
    historyEnd: iso(r.historyEnd),
    computedAt: iso(r.computedAt),
    forecast: arr(r.forecast),
    lower: arr(r.lower),
    upper: arr(r.upper),
    sigmaTotal: Number(r.sigmaTotal),
    mase: r.mase === null ? null : Number(r.mase),
    wape: r.wape === null ? null : Number(r.wape),
  }
}

export interface ForecastsOptions {
  asOf: Date
  /** Recompute every series, not only the stale and missing ones. */
  force?: boolean
  warehouseId?: number
  productIds?: number[]
}

export interface Forecasts {
  /** The shipment history per product × warehouse (weekly). */
  series: DemandSeries[]
  /** The supplier each product is bought from (lead time, pack size, MOQ). */
  sources: Map<number, Source>
  /** The forecast of each series, by `productId:warehouseId`. */
  forecasts: Map<string, StoredForecast>
  /** How many were computed now (stale, missing or forced) rather than read. */
  computed: number
  historyEnd: string
}

/**
 * The forecasts of every product × warehouse with shipments in the last 104 complete weeks: the
 * stored ones where they are current (computed from the history up to this week's start, over
 * the horizon the product's lead time needs), the others computed now and stored.
 */
export async function forecastsFor(db: Knex | Knex.Transaction, o: ForecastsOptions): Promise<Forecasts> {
  const end = historyEnd(o.asOf)
  const series = await weeklyDemand(db, o.asOf, HISTORY_WEEKS, o)
  const productIds = [...new Set(series.map((s) => s.productId))]
  const src = productIds.length ? await sources(db, productIds) : new Map<number, Source>()
  const stored = new Map<string, StoredForecast>()
  if (productIds.length && !o.force) {
    const q = db(FORECASTS_TABLE).whereIn('productId', productIds)
    if (o.warehouseId) q.where('warehouseId', o.warehouseId)
    for (const r of (await q) as Array<Record<string, unknown>>) {
      const f = fromRow(r)
      stored.set(key(f.productId, f.warehouseId), f)
    }
  }
  const now = new Date()
  const fresh: StoredForecast[] = []
  const forecasts = new Map<string, StoredForecast>()
  for (const s of series) {
    const horizon = forecastHorizon(src.get(s.productId)?.leadDays)
    const k = key(s.productId, s.warehouseId)
    const old = stored.get(k)
    if (old && old.horizon === horizon && old.historyEnd === end.toISOString()) {
      forecasts.set(k, old)
      continue
    }
    const f = computeOne(s, horizon, end, now)
    fresh.push(f)
    forecasts.set(k, f)
  }
  if (fresh.length) await save(db, fresh)
  return { series, sources: src, forecasts, computed: fresh.length, historyEnd: end.toISOString() }
}
