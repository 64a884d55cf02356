/**
 * Demand forecasting bench (issue #20): choosing and fitting a method per series, on one core.
 * 1. Time: 10,000 weekly series × 104 weeks through `forecastSeries` (target < 60 s).
 * 2. Accuracy on a held-out quarter: each series is 104 + 13 weeks of demo-like demand (seasonal
 *    with trend, erratic, intermittent slow movers, promotion spikes). The method is chosen on the
 *    first 104 weeks only; then it and seasonal naive forecast 4 weeks ahead from every origin of
 *    the last 13 weeks. Reported: Σ MAE(chosen) ÷ Σ MAE(seasonal naive) (target ≤ 0.85) and the share
 *    of series where the chosen method beats seasonal naive.
 * Run: npx tsx test/bench/forecast.ts [series]
 */
import {
  backtest,
  forecastSeries,
  methodFrom,
  seasonalNaive,
} from '../../plugins/inventory/src/forecast/index.js'

function rng(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Poisson-distributed count (Knuth), for realistic whole-unit demand. */
function poisson(r: () => number, mean: number): number {
  const l = Math.exp(-Math.min(mean, 500))
  let k = 0
  let p = 1
  do {
    k++
    p *= r()
  } while (p > l && k < 1000)
  return k - 1
}

/** One product's weekly demand: kind by index, seeded, whole units. */
export function demoSeries(i: number, weeks: number): number[] {
  const r = rng(1000 + i)
  const kind = i % 10
  const base = 5 + r() * 60
  const trend = (r() - 0.3) * 0.004 * base
  const amp = kind < 5 ? 0.2 + r() * 0.5 : 0.1
  const phase = r() * 52
  const promoEvery = 8 + Math.floor(r() * 10)
  return Array.from({ length: weeks }, (_, t) => {
    if (kind >= 6) return r() < 0.12 + 0.05 * (kind - 6) ? 1 + poisson(r, kind === 9 ? 8 : 2) : 0 // slow movers
    const seasonal = 1 + amp * Math.sin((2 * Math.PI * (t + phase)) / 52)
    const promo = t % promoEvery === 0 && kind === 5 ? 2.2 : 1
    const mean = Math.max(0.5, (base + trend * t) * seasonal * promo * (kind === 4 ? 0.4 + r() * 1.2 : 1))
    return poisson(r, mean)
  })
}

const count = Number(process.argv[2] ?? 10_000)
const opts = { season: 52, horizon: 4 }

// 1. time
const series = Array.from({ length: count }, (_, i) => demoSeries(i, 104))
const t0 = process.hrtime.bigint()
const methods = new Map<string, number>()
for (const y of series) {
  const f = forecastSeries(y, opts)
  methods.set(f.method, (methods.get(f.method) ?? 0) + 1)
}
const seconds = Number(process.hrtime.bigint() - t0) / 1e9
console.log(
  `forecast ${count} series × 104 weeks: ${seconds.toFixed(2)} s (${((seconds / count) * 1e6).toFixed(0)} µs per series; target < 60 s)`,
)
console.log(
  `  methods chosen: ${[...methods]
    .sort((a, b) => b[1] - a[1])
    .map(([m, n]) => `${m} ${((100 * n) / count).toFixed(1)} %`)
    .join(', ')}`,
)

// 2. accuracy on a held-out quarter
const sample = Math.min(count, 2000)
let chosenErr = 0
let naiveErr = 0
let wins = 0
for (let i = 0; i < sample; i++) {
  const y = demoSeries(i, 117)
  const f = forecastSeries(y.slice(0, 104), opts)
  const chosen = backtest(y, methodFrom(f.method, f.params).run(y), 13, 4).mae
  const naive = backtest(y, seasonalNaive(52).run(y), 13, 4).mae
  chosenErr += chosen
  naiveErr += naive
  if (chosen < naive) wins++
}
console.log(
  `held-out accuracy on ${sample} demo series (4 weeks ahead, last 13 weeks): chosen ÷ seasonal naive MAE = ${(chosenErr / naiveErr).toFixed(3)} (target ≤ 0.85); chosen beats seasonal naive on ${((100 * wins) / sample).toFixed(1)} % of series`,
)
