/**
 * The forecasting recurrences against reference values computed independently in the test: SES
 * and Croston/SBA from their closed (weighted-sum) forms, Holt-Winters from its error-correction
 * form (Hyndman & Athanasopoulos, FPP ch. 8) and one step by hand, TSB from its weighted-sum form — each a different
 * algebra from the module's recurrences, agreeing to 1e-9.
 */
import { describe, expect, it } from 'vitest'
import { croston, holtWinters, sba, ses, tsb } from '../index.js'

// yearly oil production of Saudi Arabia 1996–2013 as used in FPP2's SES chapter (values in Mt)
const oil = [
  445.36, 453.2, 454.41, 422.38, 456.04, 440.39, 425.19, 486.21, 500.43, 521.28, 508.95, 488.89, 509.87,
  456.72, 473.82, 525.95, 549.83, 542.34,
]
// an intermittent series: weeks with and without demand
const spares = [0, 0, 5, 0, 0, 0, 7, 0, 3, 0, 0, 0, 0, 12, 0, 0, 4, 0, 0, 6, 0, 0, 0, 9]

const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(1e-9)

/** SES level after t in closed form: Σ α(1−α)^j y_{t−j} (j < t) + (1−α)^t y_0. */
function sesClosed(y: number[], alpha: number, t: number): number {
  let s = (1 - alpha) ** t * (y[0] ?? 0)
  for (let j = 0; j < t; j++) s += alpha * (1 - alpha) ** j * (y[t - j] ?? 0)
  return s
}

describe('simple exponential smoothing', () => {
  it.each([0.2, 0.5, 0.833])('α = %s: every one-step forecast equals the closed weighted sum', (alpha) => {
    const fit = ses(alpha).run(oil)
    for (let t = 0; t < oil.length; t++) close(fit.ahead(t, 1), sesClosed(oil, alpha, t))
    expect(fit.forecast(3)).toEqual(Array(3).fill(fit.ahead(oil.length - 1, 1)))
  })
})

/** Holt-Winters in error-correction form, from the first season: level = its mean, trend = 0, season = its deviations (averaged over `width` neighbours, re-centred). */
function holtWintersEcf(
  y: number[],
  m: number,
  width: number,
  [alpha, beta, gamma, phi]: number[],
  check: (t: number, h: number, value: number) => void,
): void {
  let l = y.slice(0, m).reduce((a, v) => a + v, 0) / m
  let b = 0
  const dev = y.slice(0, m).map((v) => v - l)
  const half = Math.floor(width / 2)
  const avg = dev.map(
    (_, i) =>
      dev
        .slice(0)
        .reduce(
          (a, _v, j) => (Math.min(Math.abs(j - i), m - Math.abs(j - i)) <= half ? a + (dev[j] ?? 0) : a),
          0,
        ) /
      (2 * half + 1),
  )
  const centre = avg.reduce((a, v) => a + v, 0) / m
  const s: number[] = avg.map((v) => v - centre)
  for (let t = m; t < y.length; t++) {
    const e = (y[t] ?? 0) - (l + phi! * b + (s[t - m] ?? 0))
    const lNew = l + phi! * b + alpha! * e
    b = phi! * b + alpha! * beta! * e
    l = lNew
    s[t] = (s[t - m] ?? 0) + gamma! * e
    for (let h = 1; h <= 6; h++) {
      let damp = 0
      for (let i = 1; i <= h; i++) damp += phi! ** i
      check(t, h, l + damp * b + (s[t - m + 1 + ((h - 1) % m)] ?? 0))
    }
  }
}

describe('Holt-Winters (additive season, damped trend)', () => {
  // a quarterly series with trend and season
  const y = [30, 21, 29, 31, 40, 48, 53, 47, 37, 39, 49, 56, 43, 38, 51, 59, 46, 47, 58, 66, 52, 50, 60, 70]

  it('quarterly: agrees with the error-correction form at every origin and horizon', () => {
    const params = [0.3, 0.1, 0.2, 0.95]
    const fit = holtWinters(params[0]!, params[1]!, params[2]!, 4, params[3]).run(y)
    holtWintersEcf(y, 4, 1, params, (t, h, v) => close(fit.ahead(t, h), v))
  })

  it('weekly: the first year’s indices are averaged over 5 weeks, and the recurrences still agree', () => {
    const weekly = Array.from(
      { length: 104 },
      (_, t) => 50 + 20 * Math.sin((2 * Math.PI * t) / 52) + ((t * 7919) % 13) - 6,
    )
    const params = [0.2, 0.05, 0.1, 0.98]
    const fit = holtWinters(params[0]!, params[1]!, params[2]!, 52, params[3]).run(weekly)
    holtWintersEcf(weekly, 52, 5, params, (t, h, v) => close(fit.ahead(t, h), v))
  })

  it('by hand, the first step after the first season', () => {
    // l0 = 27.75, b0 = 0, s = [2.25, −6.75, 1.25, 3.25]; y_4 = 40, α = β = γ = 0.5, φ = 1
    const fit = holtWinters(0.5, 0.5, 0.5, 4, 1).run(y)
    // l4 = .5(40 − 2.25) + .5(27.75 + 0) = 32.75; b4 = .5(32.75 − 27.75) + .5 · 0 = 2.5
    // forecast of y5 from t = 4: l4 + b4 + s1 = 32.75 + 2.5 − 6.75
    close(fit.ahead(4, 1), 28.5)
  })
})

/** SES over the non-zero sizes and over the intervals, in closed form. */
function crostonClosed(y: number[], alpha: number, t: number): number {
  const sizes: number[] = []
  const gaps: number[] = []
  let since = 0
  for (let i = 0; i <= t; i++) {
    since++
    if ((y[i] ?? 0) > 0) {
      sizes.push(y[i] ?? 0)
      gaps.push(since)
      since = 0
    }
  }
  if (!sizes.length) return 0
  const k = sizes.length - 1
  return sesClosed(sizes, alpha, k) / sesClosed(gaps, alpha, k)
}

describe('Croston, SBA and TSB', () => {
  it.each([0.1, 0.3])('Croston and SBA (α = %s) equal the closed forms of size ÷ interval', (alpha) => {
    const c = croston(alpha).run(spares)
    const b = sba(alpha).run(spares)
    for (let t = 0; t < spares.length; t++) {
      close(c.ahead(t, 1), crostonClosed(spares, alpha, t))
      close(b.ahead(t, 1), (1 - alpha / 2) * crostonClosed(spares, alpha, t))
    }
  })

  it('TSB equals probability × size, each in its weighted-sum form', () => {
    const [alpha, beta] = [0.2, 0.1]
    const fit = tsb(alpha, beta).run(spares)
    const first = spares.findIndex((v) => v > 0)
    for (let t = first; t < spares.length; t++) {
      // d_t = (1−β)^(t−t0) d0 + Σ_{t0<k≤t} β(1−β)^(t−k) 1[y_k > 0]
      let d = (1 - beta) ** (t - first) * (1 / (first + 1))
      for (let k = first + 1; k <= t; k++) d += beta * (1 - beta) ** (t - k) * ((spares[k] ?? 0) > 0 ? 1 : 0)
      const sizes = spares.slice(first, t + 1).filter((v) => v > 0)
      close(fit.ahead(t, 1), d * sesClosed(sizes, alpha, sizes.length - 1))
    }
  })

  it('an item that stops selling: TSB falls towards 0, Croston keeps its last estimate', () => {
    const stopped = [...spares, ...Array(30).fill(0)]
    const last = stopped.length - 1
    expect(tsb(0.2, 0.1).run(stopped).ahead(last, 1)).toBeLessThan(
      0.1 *
        tsb(0.2, 0.1)
          .run(spares)
          .ahead(spares.length - 1, 1),
    )
    close(
      croston(0.2).run(stopped).ahead(last, 1),
      croston(0.2)
        .run(spares)
        .ahead(spares.length - 1, 1),
    )
  })
})
