/**
 * Accuracy of forecasts made from rolling origins (Tashman 2000): from each origin t of the
 * evaluation window the method forecasts t+1 … t+h with the data up to t only.
 * - MASE (Hyndman & Koehler 2006): mean absolute error ÷ the in-sample mean absolute error of the
 *   seasonal naive forecast (so < 1 beats seasonal naive in-sample).
 * - WAPE: Σ|error| ÷ Σ|actual| — readable as a percentage of volume.
 */
import type { Fit, Series } from './types.js'

export interface Backtest {
  /** Mean absolute error over every (origin, horizon) pair. */
  mae: number
  /** Σ|error| ÷ Σ|actual|; null when the window had no demand. */
  wape: number | null
  /** Root mean square error per horizon step 1…h. */
  rmseByStep: number[]
  /** Root mean square of the errors of the h-period total from each origin (lead-time demand). */
  rmseTotal: number
  origins: number
}

/** Forecast errors of `fit` over the last `window` periods of `y`, origins `t` with t + h inside the series. */
export function backtest(y: Series, fit: Fit, window: number, h: number): Backtest {
  const n = y.length
  let absSum = 0
  let actualSum = 0
  let count = 0
  let totalSq = 0
  let origins = 0
  const stepSq = new Array<number>(h).fill(0)
  for (let t = n - window - 1; t + h <= n - 1; t++) {
    if (t < 0) continue
    let total = 0
    for (let k = 1; k <= h; k++) {
      const e = (y[t + k] ?? 0) - fit.ahead(t, k)
      absSum += Math.abs(e)
      actualSum += Math.abs(y[t + k] ?? 0)
      stepSq[k - 1] = (stepSq[k - 1] ?? 0) + e * e
      total += e
      count++
    }
    totalSq += total * total
    origins++
  }
  return {
    mae: count ? absSum / count : Infinity,
    wape: actualSum > 0 ? absSum / actualSum : null,
    rmseByStep: stepSq.map((s) => (origins ? Math.sqrt(s / origins) : 0)),
    rmseTotal: origins ? Math.sqrt(totalSq / origins) : 0,
    origins,
  }
}

/** In-sample mean absolute error of the seasonal naive forecast (season m; falls back to m = 1 when too short). */
export function naiveScale(y: Series, m: number): number {
  const lag = y.length > m ? m : 1
  let sum = 0
  let count = 0
  for (let t = lag; t < y.length; t++) {
    sum += Math.abs((y[t] ?? 0) - (y[t - lag] ?? 0))
    count++
  }
  return count ? sum / count : 0
}

/** MASE from a mean absolute error and the scale; null when the scale is 0 (a constant history). */
export const mase = (mae: number, scale: number): number | null => (scale > 0 ? mae / scale : null)
