import type { Knex } from 'knex'
import type { Suggestion } from './suggest.js'

/** A proposed min (reorder point) and max (order-up-to level) for one product × warehouse, and why. */
export interface MinMaxProposal {
  productId: number
  warehouseId: number
  /** What the stock level holds now: its reorder point and reorder point + reorder quantity. */
  currentMin: number
  currentMax: number
  /** Whether replenishment follows the level's min/max now (applied earlier). */
  applied: boolean
  min: number
  max: number
  weeklyForecast: number
  sigmaWeekly: number
  leadTimeWeeks: number
  safetyStock: number
  method: string
}

/**
 * min = the reorder point (lead-time demand + safety stock) rounded up to a unit; max = min plus
 * the order-up-to gap (one review period of demand) rounded up to whole packs, at least the MOQ
 * and one pack — so that an order from min to max is one the supplier accepts.
 * @example minMax({ reorderPoint: 20.4, orderUpTo: 30.4 }, 12, 24) // { min: 21, max: 45 }
 */
export function minMax(
  s: Pick<Suggestion, 'reorderPoint' | 'orderUpTo'>,
  pack: number,
  moq: number,
): { min: number; max: number } {
  const p = Math.max(1, pack)
  const min = Math.ceil(s.reorderPoint - 1e-9)
  const gap = Math.max(0, s.orderUpTo - min)
  const packs = Math.max(1, Math.ceil(gap / p - 1e-9), Math.ceil(moq / p - 1e-9))
  return { min, max: min + packs * p }
}

/** Proposals from replenishment suggestions (every row, `all`), with the levels' current settings. */
export async function proposals(
  db: Knex | Knex.Transaction,
  rows: Suggestion[],
  packOf: (productId: number) => { pack: number; moq: number },
): Promise<MinMaxProposal[]> {
  if (!rows.length) return []
  const levels = (await db('stock_levels')
    .whereIn(
      'productId',
      rows.map((r) => r.productId),
    )
    .select('productId', 'warehouseId', 'reorderPoint', 'reorderQuantity', 'minMaxAppliedAt')) as Array<{
    productId: number
    warehouseId: number
    reorderPoint: number
    reorderQuantity: number
    minMaxAppliedAt: unknown
  }>
  const level = new Map(levels.map((l) => [`${l.productId}:${l.warehouseId}`, l]))
  return rows.map((r) => {
    const l = level.get(`${r.productId}:${r.warehouseId}`)
    const { pack, moq } = packOf(r.productId)
    return {
      productId: r.productId,
      warehouseId: r.warehouseId,
      currentMin: Number(l?.reorderPoint ?? 0),
      currentMax: Number(l?.reorderPoint ?? 0) + Number(l?.reorderQuantity ?? 0),
      applied: Boolean(l?.minMaxAppliedAt),
      ...minMax(r, pack, moq),
      weeklyForecast: r.weeklyForecast,
      sigmaWeekly: r.sigmaWeekly,
      leadTimeWeeks: r.leadTimeWeeks,
      safetyStock: r.safetyStock,
      method: r.method,
    }
  })
}
