import type { FactDefinition } from '@plume/core'
import { DEFAULT_LEAD_DAYS } from '../replenish/sources.js'
import { positions } from '../replenish/suggest.js'
import { forecastsFor } from './store.js'

const DAY_MS = 86_400_000

/**
 * Whole days the stock covers when `weekly[w]` units go out in week w, spread evenly over its
 * 7 days; null when it lasts the whole forecast.
 * @example coverDays(15, [10, 10]) // 10: 10 units the first week, 5 more by day 10 (10/7 a day)
 */
export function coverDays(stock: number, weekly: readonly number[]): number | null {
  let left = stock
  if (left <= 0) return 0
  for (let w = 0; w < weekly.length; w++) {
    const f = weekly[w] ?? 0
    if (f > left) return w * 7 + Math.floor((left * 7) / f)
    left -= f
  }
  return null
}

const FIELDS = [
  'productId',
  'warehouseId',
  'sku',
  'productName',
  'warehouseCode',
  'onHand',
  'reserved',
  'onOrder',
  'position',
  'weeklyForecast',
  'method',
  'daysToStockout',
  'stockoutDate',
  'leadTimeDays',
] as const

/**
 * `projectedStockouts`: every product × warehouse whose stock position (on hand − reserved + on
 * order) runs out within its stored forecast's horizon (13 weeks or more), with the days it
 * lasts (`daysToStockout`), that date and the supplier's lead time — for rules such as "projected
 * stock-out within N days" or "within the lead time".
 */
export const projectedStockouts: FactDefinition = {
  name: 'projectedStockouts',
  description:
    'Products × warehouses projected to run out within their forecast (13 weeks or more): position = onHand − reserved + onOrder against the stored weekly forecast; daysToStockout, stockoutDate, leadTimeDays',
  entity: 'demandForecast',
  list: true,
  fields: FIELDS,
  scope: 'any',
  async load({ db, now }) {
    const { series, sources, forecasts } = await forecastsFor(db, { asOf: now })
    if (!series.length) return []
    const productIds = [...new Set(series.map((s) => s.productId))]
    const positionOf = await positions(db, productIds)
    const names = (await db('products').whereIn('id', productIds).select('id', 'sku', 'name')) as Array<{
      id: number
      sku: string
      name: string
    }>
    const product = new Map(names.map((n) => [n.id, n]))
    const warehouses = new Map(
      ((await db('warehouses').select('id', 'code')) as Array<{ id: number; code: string }>).map((w) => [
        w.id,
        w.code,
      ]),
    )
    const out: Array<Record<(typeof FIELDS)[number], unknown>> = []
    for (const s of series) {
      const f = forecasts.get(`${s.productId}:${s.warehouseId}`)
      if (!f) continue
      const pos = positionOf(s.productId, s.warehouseId).position
      const position = pos.onHand - pos.reserved + pos.onOrder
      const days = coverDays(position, f.forecast)
      if (days === null) continue
      out.push({
        productId: s.productId,
        warehouseId: s.warehouseId,
        sku: product.get(s.productId)?.sku ?? null,
        productName: product.get(s.productId)?.name ?? null,
        warehouseCode: warehouses.get(s.warehouseId) ?? null,
        ...pos,
        position,
        weeklyForecast: Math.round((f.forecast[0] ?? 0) * 100) / 100,
        method: f.method,
        daysToStockout: days,
        stockoutDate: new Date(now.getTime() + days * DAY_MS).toISOString().slice(0, 10),
        leadTimeDays: Number(sources.get(s.productId)?.leadDays ?? DEFAULT_LEAD_DAYS),
      })
    }
    return out.sort((a, b) => (a.daysToStockout as number) - (b.daysToStockout as number))
  },
}
