/**
 * Demand classes by Syntetos, Boylan & Croston (2005): the average inter-demand interval (ADI,
 * periods per period with demand) against 1.32, and the squared coefficient of variation of the
 * non-zero sizes (CV²) against 0.49.
 */
import type { DemandClass, Series } from './types.js'

export const ADI_CUT = 1.32
export const CV2_CUT = 0.49

export interface Profile {
  adi: number
  cv2: number
  demandClass: DemandClass
}

export function classify(y: Series): Profile {
  const sizes = y.filter((v) => v > 0)
  if (!sizes.length) return { adi: Infinity, cv2: 0, demandClass: 'lumpy' }
  const adi = y.length / sizes.length
  const mean = sizes.reduce((s, v) => s + v, 0) / sizes.length
  const variance = sizes.reduce((s, v) => s + (v - mean) ** 2, 0) / sizes.length
  const cv2 = variance / (mean * mean)
  const frequent = adi < ADI_CUT
  const steady = cv2 < CV2_CUT
  const demandClass: DemandClass = frequent
    ? steady
      ? 'smooth'
      : 'erratic'
    : steady
      ? 'intermittent'
      : 'lumpy'
  return { adi, cv2, demandClass }
}
