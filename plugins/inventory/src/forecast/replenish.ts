/**
 * Reorder point and order-up-to level from lead-time demand and a service level:
 *   safety stock  SS = z · σ_d · √L                      (lead time fixed)
 *                 SS = z · √(L · σ_d² + d² · σ_L²)         (lead time varies; d = mean demand per period)
 *   reorder point ROP = d · L + SS
 *   order-up-to   S = d · (L + R) + SS                    (R = review period)
 * The suggested quantity brings the inventory position (on hand − reserved + on order) up to S,
 * rounded up to whole packs and to at least the minimum order quantity.
 */
import { normalQuantile } from './normal.js'

export interface LeadTime {
  /** Mean lead time in periods. */
  mean: number
  /** Standard deviation of the lead time in periods (0 when fixed). */
  sd?: number
}

export function safetyStock(
  serviceLevel: number,
  demandMean: number,
  demandSd: number,
  lead: LeadTime,
): number {
  const z = normalQuantile(serviceLevel)
  const lt = Math.max(0, lead.mean)
  const ltSd = lead.sd ?? 0
  return z * Math.sqrt(lt * demandSd * demandSd + demandMean * demandMean * ltSd * ltSd)
}

export interface Policy {
  safetyStock: number
  reorderPoint: number
  orderUpTo: number
}

export function policy(
  serviceLevel: number,
  demandMean: number,
  demandSd: number,
  lead: LeadTime,
  reviewPeriods = 1,
): Policy {
  const ss = safetyStock(serviceLevel, demandMean, demandSd, lead)
  return {
    safetyStock: ss,
    reorderPoint: demandMean * lead.mean + ss,
    orderUpTo: demandMean * (lead.mean + reviewPeriods) + ss,
  }
}

export interface Position {
  onHand: number
  reserved: number
  onOrder: number
}

export const inventoryPosition = (p: Position): number => p.onHand - p.reserved + p.onOrder

/** What to order now: 0 above the reorder point, else up to S in whole packs, at least the MOQ. */
export function suggestQuantity(pol: Policy, pos: Position, pack = 1, moq = 0): number {
  const position = inventoryPosition(pos)
  if (position > pol.reorderPoint) return 0
  const need = Math.max(0, pol.orderUpTo - position)
  const packs = Math.ceil(need / Math.max(1, pack) - 1e-9)
  return Math.max(packs * Math.max(1, pack), Math.ceil(moq / Math.max(1, pack)) * Math.max(1, pack))
}

/** Periods until the projected stock (position minus forecast demand, period by period) first falls below 0; null when it does not within the forecast. */
export function stockoutPeriod(
  pos: Position,
  forecast: readonly number[],
  withoutOnOrder = true,
): number | null {
  let stock = pos.onHand - pos.reserved + (withoutOnOrder ? 0 : pos.onOrder)
  for (let i = 0; i < forecast.length; i++) {
    stock -= forecast[i] ?? 0
    if (stock < 0) return i + 1
  }
  return null
}
