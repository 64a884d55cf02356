/**
 * Intermittent demand (many periods with no demand):
 * - Croston (1972): smooth the non-zero demand sizes z and the intervals p between them with the
 *   same α, updated only in periods with demand; forecast z / p.
 * - SBA (Syntetos & Boylan 2005): Croston's forecast × (1 − α/2), removing its known bias.
 * - TSB (Teunter, Syntetos & Babai 2011): smooth the probability of demand d every period (β) and
 *   the size z in periods with demand (α); forecast d × z — falls towards 0 when an item stops
 *   selling (obsolescence), which Croston never does.
 * Initial states come from the first demand only, so that a forecast made at period t uses no
 * later value: z = its size, p = its position counted from 1 (Croston/SBA), d = 1 / p (TSB).
 */
import type { Fit, Method, Series } from './types.js'

function constantAhead(values: Float64Array, n: number): Fit {
  const ahead = (t: number) => values[t] ?? 0
  return { ahead, forecast: (h) => Array.from({ length: h }, () => ahead(n - 1)) }
}

function crostonRun(y: Series, alpha: number, factor: number): Fit {
  const n = y.length
  const out = new Float64Array(n)
  let z = 0
  let p = 0
  let since = 0
  let started = false
  for (let t = 0; t < n; t++) {
    const v = y[t] ?? 0
    since++
    if (v > 0) {
      if (!started) {
        z = v
        p = since
        started = true
      } else {
        z += alpha * (v - z)
        p += alpha * (since - p)
      }
      since = 0
    }
    out[t] = started ? (factor * z) / p : 0
  }
  return constantAhead(out, n)
}

export const croston = (alpha: number): Method => ({
  name: 'croston',
  params: { alpha },
  warmup: 1,
  run: (y) => crostonRun(y, alpha, 1),
})

export const sba = (alpha: number): Method => ({
  name: 'sba',
  params: { alpha },
  warmup: 1,
  run: (y) => crostonRun(y, alpha, 1 - alpha / 2),
})

function tsbRun(y: Series, alpha: number, beta: number): Fit {
  const n = y.length
  const out = new Float64Array(n)
  let z = 0
  let d = 0
  let started = false
  for (let t = 0; t < n; t++) {
    const v = y[t] ?? 0
    if (!started) {
      if (v > 0) [z, d, started] = [v, 1 / (t + 1), true]
    } else if (v > 0) {
      d += beta * (1 - d)
      z += alpha * (v - z)
    } else d -= beta * d
    out[t] = d * z
  }
  return constantAhead(out, n)
}

export const tsb = (alpha: number, beta: number): Method => ({
  name: 'tsb',
  params: { alpha, beta },
  warmup: 1,
  run: (y) => tsbRun(y, alpha, beta),
})
