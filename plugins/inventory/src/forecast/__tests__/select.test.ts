import { describe, expect, it } from 'vitest'
import { forecastSeries } from '../index.js'

/** A deterministic pseudo-random stream (mulberry32), so the series are the same on every run. */
function rng(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe('choosing a method by rolling-origin backtest', () => {
  it('a seasonal weekly series with trend: Holt-Winters beats seasonal naive on the backtest', () => {
    const r = rng(7)
    const y = Array.from({ length: 156 }, (_, t) =>
      Math.round(100 + 0.3 * t + 30 * Math.sin((2 * Math.PI * t) / 52) + 8 * (r() - 0.5)),
    )
    const f = forecastSeries(y, { season: 52, horizon: 4 })
    expect(f.profile.demandClass).toBe('smooth')
    expect(f.method).toBe('holtWinters')
    expect(f.mae).toBeLessThan(f.naiveMae)
    expect(f.forecast).toHaveLength(4)
    f.forecast.forEach((v, k) => expect(f.lower[k]! <= v && v <= f.upper[k]!).toBe(true))
  })

  it('an intermittent item gets a Croston-type method (or SES) and never a negative forecast', () => {
    const r = rng(3)
    const y = Array.from({ length: 104 }, () => (r() < 0.25 ? 1 + Math.floor(r() * 6) : 0))
    const f = forecastSeries(y, { season: 52, horizon: 4 })
    expect(['intermittent', 'lumpy']).toContain(f.profile.demandClass)
    expect(['croston', 'sba', 'tsb', 'ses', 'seasonalNaive']).toContain(f.method)
    expect(f.candidates.map((c) => c.method)).toEqual(
      expect.arrayContaining(['seasonalNaive', 'croston', 'sba', 'tsb']),
    )
    expect(Math.min(...f.forecast, ...f.lower)).toBeGreaterThanOrEqual(0)
    // the chosen method is the lowest backtest error among the candidates
    expect(f.mae).toBe(Math.min(...f.candidates.map((c) => c.mae)))
  })

  it('a short history falls back to a plain naive benchmark (no season) and still answers', () => {
    const f = forecastSeries([3, 4, 5, 4, 6, 5, 7, 6], { season: 52, horizon: 2 })
    expect(f.forecast).toHaveLength(2)
    expect(f.candidates[0]).toMatchObject({ method: 'seasonalNaive', params: { m: 1 } })
  })
})
