import type { Knex } from 'knex'
import { policy, stockoutPeriod, suggestQuantity, type Position } from '@plume/plugin-inventory'
import { purchasingApi } from '../api.js'
import { forecastsFor } from '../forecasts/store.js'
import { DEFAULT_LEAD_DAYS, REVIEW_WEEKS } from './sources.js'

export interface Suggestion {
  productId: number
  warehouseId: number
  supplierId: number | null
  /** Units to order now (whole packs, at least the MOQ); 0 when the position covers the reorder point. */
  quantity: number
  onHand: number
  reserved: number
  onOrder: number
  /** `forecast`: reorder point and order-up-to from the forecast; `minMax`: the level's applied min/max. */
  policy: 'forecast' | 'minMax'
  /** Why: the forecast and the policy behind the quantity. */
  method: string
  demandClass: string
  weeklyForecast: number
  sigmaWeekly: number
  leadTimeWeeks: number
  safetyStock: number
  reorderPoint: number
  orderUpTo: number
  mase: number | null
  /** Weeks until projected stock (without what is on order) runs out, within 13 weeks; null beyond. */
  stockoutInWeeks: number | null
  /** Projected to run out before a new order could arrive. */
  stockoutWithinLeadTime: boolean
}

export interface SuggestOptions {
  asOf: Date
  serviceLevel: number
  warehouseId?: number
  /** The forecast policy even where a min/max was applied (for proposing new ones). */
  ignoreMinMax?: boolean
}

const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d
const key = (p: number, w: number) => `${p}:${w}`

/** A stock level's position and, when applied, its min/max settings. */
export interface Stock {
  position: Position
  /** The level's reorder point and reorder point + reorder quantity, once a min/max was applied. */
  minMax: { min: number; max: number } | null
}

/** On hand, reserved and on order of the products in every warehouse (and their min/max): a lookup by product and warehouse. */
export async function positions(
  db: Knex | Knex.Transaction,
  productIds: number[],
): Promise<(productId: number, warehouseId: number) => Stock> {
  const [levels, onOrder] = await Promise.all([
    db('stock_levels')
      .whereIn('productId', productIds)
      .select(
        'productId',
        'warehouseId',
        'onHand',
        'reserved',
        'reorderPoint',
        'reorderQuantity',
        'minMaxAppliedAt',
      ) as Promise<
      Array<{
        productId: number
        warehouseId: number
        onHand: number
        reserved: number
        reorderPoint: number
        reorderQuantity: number
        minMaxAppliedAt: unknown
      }>
    >,
    purchasingApi().onOrder(db, { productIds }),
  ])
  const level = new Map(levels.map((l) => [key(l.productId, l.warehouseId), l]))
  const coming = new Map(onOrder.map((l) => [key(l.productId, l.warehouseId), l.quantity]))
  return (productId, warehouseId) => {
    const l = level.get(key(productId, warehouseId))
    const min = Number(l?.reorderPoint ?? 0)
    return {
      position: {
        onHand: Number(l?.onHand ?? 0),
        reserved: Number(l?.reserved ?? 0),
        onOrder: coming.get(key(productId, warehouseId)) ?? 0,
      },
      minMax: l?.minMaxAppliedAt ? { min, max: min + Number(l.reorderQuantity ?? 0) } : null,
    }
  }
}

/**
 * Replenishment per product × warehouse with shipment history: the stored forecast of each series
 * (recomputed only when stale or missing, see forecasts/store.ts), a safety stock for the service level from the forecast's error and the
 * supplier's lead time (and its variation), the reorder point and order-up-to level, and the
 * quantity to order now given on hand, reserved and on order.
 */
export async function suggestions(db: Knex | Knex.Transaction, o: SuggestOptions): Promise<Suggestion[]> {
  const { series, sources: src, forecasts } = await forecastsFor(db, o)
  if (!series.length) return []
  const productIds = [...new Set(series.map((s) => s.productId))]
  const positionOf = await positions(db, productIds)
  return series.map((s) => {
    const source = src.get(s.productId)
    const leadWeeks = (source?.leadDays ?? DEFAULT_LEAD_DAYS) / 7
    const horizon = Math.max(1, Math.ceil(leadWeeks + REVIEW_WEEKS))
    const f = forecasts.get(key(s.productId, s.warehouseId))!
    const d = f.forecast.slice(0, horizon).reduce((a, v) => a + v, 0) / horizon
    const sigma = f.sigmaTotal / Math.sqrt(f.horizon)
    const pol = policy(
      o.serviceLevel,
      d,
      sigma,
      { mean: leadWeeks, sd: (source?.leadSdDays ?? 0) / 7 },
      REVIEW_WEEKS,
    )
    const stock = positionOf(s.productId, s.warehouseId)
    const pos = stock.position
    if (stock.minMax && !o.ignoreMinMax) {
      // an applied min/max: order up to max once the position falls to min
      pol.reorderPoint = stock.minMax.min
      pol.orderUpTo = stock.minMax.max
    }
    const out = stockoutPeriod(pos, f.forecast)
    return {
      productId: s.productId,
      warehouseId: s.warehouseId,
      supplierId: source?.supplierId ?? null,
      quantity: suggestQuantity(pol, pos, source?.packSize ?? 1, source?.moq ?? 0),
      ...pos,
      policy: stock.minMax && !o.ignoreMinMax ? 'minMax' : 'forecast',
      method: f.method,
      demandClass: f.demandClass,
      weeklyForecast: round(d),
      sigmaWeekly: round(sigma),
      leadTimeWeeks: round(leadWeeks),
      safetyStock: round(pol.safetyStock),
      reorderPoint: round(pol.reorderPoint),
      orderUpTo: round(pol.orderUpTo),
      mase: f.mase === null ? null : round(f.mase, 3),
      stockoutInWeeks: out,
      stockoutWithinLeadTime: out !== null && out <= Math.ceil(leadWeeks),
    }
  })
}
