import type { Knex } from 'knex'
import { forecastSeries, policy, stockoutPeriod, suggestQuantity } from '@plume/plugin-inventory'
import { purchasingApi } from '../api.js'
import { weeklyDemand } from './history.js'

export interface Suggestion {
  productId: number
  warehouseId: number
  supplierId: number | null
  /** Units to order now (whole packs, at least the MOQ); 0 when the position covers the reorder point. */
  quantity: number
  onHand: number
  reserved: number
  onOrder: number
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
  /** Weeks of history (default 104). */
  history?: number
}

interface Source {
  productId: number
  supplierId: number
  packSize: number
  moq: number
  leadDays: number
  leadSdDays: number
}

/** The preferred supplier item of each product (else the cheapest), with its lead time. */
async function sources(db: Knex | Knex.Transaction, productIds: number[]): Promise<Map<number, Source>> {
  const rows = (await db('supplier_items as i')
    .join('suppliers as s', 's.id', 'i.supplierId')
    .where('s.active', true)
    .whereIn('i.productId', productIds)
    .orderBy([
      { column: 'i.productId' },
      { column: 'i.preferred', order: 'desc' },
      { column: 'i.price' },
      { column: 'i.id' },
    ])
    .select(
      'i.productId',
      'i.supplierId',
      'i.packSize',
      'i.moq',
      db.raw('coalesce(i."leadTimeDays", s."leadTimeDays") as "leadDays"'),
      's.leadTimeSdDays as leadSdDays',
    )) as Source[]
  const out = new Map<number, Source>()
  for (const r of rows) if (!out.has(r.productId)) out.set(r.productId, r)
  return out
}

const REVIEW_WEEKS = 1
const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d

/**
 * Replenishment per product × warehouse with shipment history: a forecast chosen per series
 * (forecastSeries), a safety stock for the service level from the forecast's error and the
 * supplier's lead time (and its variation), the reorder point and order-up-to level, and the
 * quantity to order now given on hand, reserved and on order.
 */
export async function suggestions(db: Knex | Knex.Transaction, o: SuggestOptions): Promise<Suggestion[]> {
  const series = await weeklyDemand(db, o.asOf, o.history ?? 104, { warehouseId: o.warehouseId })
  if (!series.length) return []
  const productIds = [...new Set(series.map((s) => s.productId))]
  const [src, levels, onOrder] = await Promise.all([
    sources(db, productIds),
    db('stock_levels')
      .whereIn('productId', productIds)
      .select('productId', 'warehouseId', 'onHand', 'reserved') as Promise<
      Array<{ productId: number; warehouseId: number; onHand: number; reserved: number }>
    >,
    purchasingApi().onOrder(db, { productIds }),
  ])
  const key = (p: number, w: number) => `${p}:${w}`
  const level = new Map(levels.map((l) => [key(l.productId, l.warehouseId), l]))
  const coming = new Map(onOrder.map((l) => [key(l.productId, l.warehouseId), l.quantity]))
  return series.map((s) => {
    const source = src.get(s.productId)
    const leadWeeks = (source?.leadDays ?? 14) / 7
    const horizon = Math.max(1, Math.ceil(leadWeeks + REVIEW_WEEKS))
    const f = forecastSeries(s.weeks, { season: 52, horizon: Math.max(horizon, 13) })
    const d = f.forecast.slice(0, horizon).reduce((a, v) => a + v, 0) / horizon
    const sigma = f.sigmaTotal / Math.sqrt(Math.max(horizon, 13))
    const pol = policy(
      o.serviceLevel,
      d,
      sigma,
      { mean: leadWeeks, sd: (source?.leadSdDays ?? 0) / 7 },
      REVIEW_WEEKS,
    )
    const l = level.get(key(s.productId, s.warehouseId))
    const pos = {
      onHand: Number(l?.onHand ?? 0),
      reserved: Number(l?.reserved ?? 0),
      onOrder: coming.get(key(s.productId, s.warehouseId)) ?? 0,
    }
    const out = stockoutPeriod(pos, f.forecast)
    return {
      productId: s.productId,
      warehouseId: s.warehouseId,
      supplierId: source?.supplierId ?? null,
      quantity: suggestQuantity(pol, pos, source?.packSize ?? 1, source?.moq ?? 0),
      ...pos,
      method: f.method,
      demandClass: f.profile.demandClass,
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
