/**
 * Exponential smoothing with additive errors, in the classic recurrence form (Holt 1957,
 * Winters 1960; Hyndman & Athanasopoulos, "Forecasting: Principles and Practice", ch. 8):
 *   level   l_t = α (y_t − s_{t−m}) + (1 − α)(l_{t−1} + φ b_{t−1})
 *   trend   b_t = β (l_t − l_{t−1}) + (1 − β) φ b_{t−1}
 *   season  s_t = γ (y_t − l_{t−1} − φ b_{t−1}) + (1 − γ) s_{t−m}
 *   forecast ŷ_{t+h|t} = l_t + (φ + … + φ^h) b_t + s_{t+h−m(k+1)}
 * SES has no trend and no season; Holt has a (damped when φ < 1) trend; Holt-Winters adds an
 * additive season of length m. Initial states: SES and Holt from the first values; Holt-Winters
 * from the first season alone, so two years of weekly history leave a year to fit and test:
 * level = its mean, trend = 0 (β learns it), season = its deviations from the level — for long
 * seasons (weekly data) averaged over 5 neighbouring periods, since one week's deviation is mostly
 * noise.
 */
import type { Fit, Method, Series } from './types.js'

export interface SmoothingParams {
  alpha: number
  beta?: number
  gamma?: number
  phi?: number
  /** Season length; 0 or 1 = no season. */
  m?: number
}

interface Init {
  level: number
  trend: number
  season: number[]
  /** Index of the first value the recurrences consume. */
  start: number
}

/** Periods over which a long season's first-year indices are averaged (a week's own deviation is mostly noise). */
export const seasonWidth = (m: number): number => (m >= 26 ? 5 : 1)

/** A centred moving average over `width` neighbours, wrapping around the season. */
function smoothSeason(dev: number[], width: number): number[] {
  if (width <= 1) return dev
  const m = dev.length
  const half = Math.floor(width / 2)
  const out = dev.map((_, i) => {
    let sum = 0
    for (let k = -half; k <= half; k++) sum += dev[(i + k + m) % m] ?? 0
    return sum / (2 * half + 1)
  })
  const mean = out.reduce((a, v) => a + v, 0) / m
  return out.map((v) => v - mean)
}

function initialStates(y: Series, trend: boolean, m: number): Init {
  if (m > 1) {
    const level = y.slice(0, m).reduce((s, v) => s + v, 0) / m
    return {
      level,
      trend: 0,
      season: smoothSeason(
        y.slice(0, m).map((v) => v - level),
        seasonWidth(m),
      ),
      start: m,
    }
  }
  if (trend) return { level: y[0] ?? 0, trend: (y[1] ?? 0) - (y[0] ?? 0), season: [], start: 1 }
  return { level: y[0] ?? 0, trend: 0, season: [], start: 1 }
}

/** Runs the recurrences once; `season[t + m]` holds s_t (so s_{t−m} is `season[t]`). */
export function smoothingRun(y: Series, p: SmoothingParams, trend: boolean): Fit {
  const m = p.m && p.m > 1 ? p.m : 0
  const { alpha } = p
  const beta = trend ? (p.beta ?? 0) : 0
  const gamma = m ? (p.gamma ?? 0) : 0
  const phi = trend ? (p.phi ?? 1) : 0
  const init = initialStates(y, trend, m)
  const n = y.length
  const level = new Float64Array(n)
  const slope = new Float64Array(n)
  // season[t] = the seasonal state s_t, for t ≥ start − m (indices shifted by m)
  const season = new Float64Array(n + m)
  for (let i = 0; i < m; i++) season[init.start + i] = init.season[i] ?? 0
  let l = init.level
  let b = init.trend
  for (let t = 0; t < init.start && t < n; t++) {
    level[t] = l
    slope[t] = b
  }
  for (let t = init.start; t < n; t++) {
    const yt = y[t] ?? 0
    const sPrev = m ? (season[t] ?? 0) : 0
    const lNew = alpha * (yt - sPrev) + (1 - alpha) * (l + phi * b)
    const bNew = trend ? beta * (lNew - l) + (1 - beta) * phi * b : 0
    if (m) season[t + m] = gamma * (yt - l - phi * b) + (1 - gamma) * sPrev
    l = lNew
    b = bNew
    level[t] = l
    slope[t] = b
  }
  const ahead = (t: number, h: number): number => {
    let damp = 0
    for (let i = 1, f = phi; i <= h; i++, f *= phi) damp += f
    const s = m ? (season[t + 1 + ((h - 1) % m)] ?? 0) : 0
    return (level[t] ?? 0) + damp * (slope[t] ?? 0) + s
  }
  return { ahead, forecast: (h) => Array.from({ length: h }, (_, i) => ahead(n - 1, i + 1)) }
}

export const ses = (alpha: number): Method => ({
  name: 'ses',
  params: { alpha },
  warmup: 1,
  run: (y) => smoothingRun(y, { alpha }, false),
})

export const holt = (alpha: number, beta: number, phi = 1): Method => ({
  name: 'holt',
  params: { alpha, beta, phi },
  warmup: 2,
  run: (y) => smoothingRun(y, { alpha, beta, phi }, true),
})

export const holtWinters = (alpha: number, beta: number, gamma: number, m: number, phi = 1): Method => ({
  name: 'holtWinters',
  params: { alpha, beta, gamma, m, phi },
  warmup: m,
  run: (y) => smoothingRun(y, { alpha, beta, gamma, m, phi }, true),
})
