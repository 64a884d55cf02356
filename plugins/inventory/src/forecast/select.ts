/**
 * Chooses a forecasting method per series, as the issue's anchors advise (M5: beat seasonal naive;
 * intermittent items: Croston-type methods): candidates suited to the series' demand class get
 * their parameters from a small grid on the data before the evaluation window (lowest one-step
 * squared error), then compete on a rolling-origin backtest over that window; the lowest mean
 * absolute error wins, seasonal naive included. The winner is refitted on the whole series.
 */
import { backtest, mase, naiveScale, type Backtest } from './accuracy.js'
import { classify, type Profile } from './classify.js'
import { croston, sba, tsb } from './croston.js'
import { seasonalNaive } from './naive.js'
import { normalQuantile } from './normal.js'
import { holt, holtWinters, ses } from './smoothing.js'
import type { Method, MethodName, Series } from './types.js'

export interface ForecastOptions {
  /** Season length in periods (52 for weekly, 7 for daily). */
  season: number
  /** Periods ahead to forecast, and the backtest's horizon (e.g. the lead time in periods). */
  horizon: number
  /** Periods at the end used to compare methods (default: a quarter of the series, 4 to 26). */
  window?: number
  /** Two-sided prediction interval level (default 0.9). */
  level?: number
}

export interface ForecastResult {
  method: MethodName
  params: Record<string, number>
  profile: Profile
  /** Forecast per period for `horizon` periods. */
  forecast: number[]
  /** Prediction interval per period (lower clipped at 0). */
  lower: number[]
  upper: number[]
  /** Root mean square error of the h-period total in the backtest: σ of lead-time demand. */
  sigmaTotal: number
  /** Backtest figures of the chosen method and of seasonal naive on the same window. */
  mase: number | null
  wape: number | null
  naiveMae: number
  mae: number
  /** Every candidate's backtest MAE, for "why this method". */
  candidates: Array<{ method: MethodName; params: Record<string, number>; mae: number }>
}

const ALPHAS = [0.05, 0.1, 0.2, 0.3, 0.5]
const BETAS = [0.02, 0.1, 0.2]
const GAMMAS = [0.05, 0.2]

function grid(name: MethodName, m: number): Method[] {
  switch (name) {
    case 'ses':
      return ALPHAS.map((a) => ses(a))
    case 'holt':
      return ALPHAS.flatMap((a) => [0.02, 0.1].flatMap((b) => [0.9, 0.98].map((phi) => holt(a, b, phi))))
    case 'holtWinters':
      return ALPHAS.flatMap((a) => [0.02].flatMap((b) => GAMMAS.map((g) => holtWinters(a, b, g, m, 0.98))))
    case 'croston':
      return ALPHAS.map((a) => croston(a))
    case 'sba':
      return ALPHAS.map((a) => sba(a))
    case 'tsb':
      return ALPHAS.flatMap((a) => BETAS.map((b) => tsb(a, b)))
    case 'seasonalNaive':
      return [seasonalNaive(m)]
  }
}

/** The method a stored forecast names, with its stored parameters (to rerun or to check it later). */
export function methodFrom(name: MethodName, p: Record<string, number>): Method {
  const n = (k: string, d = 0) => p[k] ?? d
  switch (name) {
    case 'ses':
      return ses(n('alpha'))
    case 'holt':
      return holt(n('alpha'), n('beta'), n('phi', 1))
    case 'holtWinters':
      return holtWinters(n('alpha'), n('beta'), n('gamma'), n('m', 1), n('phi', 1))
    case 'croston':
      return croston(n('alpha'))
    case 'sba':
      return sba(n('alpha'))
    case 'tsb':
      return tsb(n('alpha'), n('beta'))
    case 'seasonalNaive':
      return seasonalNaive(n('m', 1))
  }
}

/** One-step squared error of a method on `train`, after its warm-up. */
function trainError(method: Method, train: Series): number {
  if (train.length <= method.warmup + 1) return Infinity
  const fit = method.run(train)
  let sse = 0
  for (let t = method.warmup - 1; t < train.length - 1; t++)
    sse += ((train[t + 1] ?? 0) - fit.ahead(t, 1)) ** 2
  return sse
}

function tune(name: MethodName, m: number, train: Series): Method | undefined {
  let best: Method | undefined
  let bestErr = Infinity
  for (const method of grid(name, m)) {
    const err = trainError(method, train)
    if (err < bestErr) [best, bestErr] = [method, err]
  }
  return best
}

/** The candidate methods for a demand class and a series length. */
export function candidatesFor(profile: Profile, n: number, m: number): MethodName[] {
  const seasonal = m > 1 && n >= m + 26 ? (['holtWinters'] as const) : []
  if (profile.demandClass === 'intermittent' || profile.demandClass === 'lumpy')
    return ['croston', 'sba', 'tsb', 'ses']
  return ['ses', 'holt', ...seasonal]
}

export function forecastSeries(y: Series, o: ForecastOptions): ForecastResult {
  const n = y.length
  const h = Math.max(1, o.horizon)
  const window = o.window ?? Math.min(26, Math.max(4, Math.floor(n / 4)))
  const m = n > o.season + window ? o.season : 1
  const train = y.slice(0, Math.max(0, n - window))
  const profile = classify(y)
  const naive = seasonalNaive(m)
  const naiveTest = backtest(y, naive.run(y), window, h)
  let best: { method: Method; test: Backtest } = { method: naive, test: naiveTest }
  const candidates: ForecastResult['candidates'] = [
    { method: naive.name, params: naive.params, mae: naiveTest.mae },
  ]
  for (const name of candidatesFor(profile, n, o.season)) {
    const method = tune(name, o.season, train)
    if (!method) continue
    const test = backtest(y, method.run(y), window, h)
    candidates.push({ method: method.name, params: method.params, mae: test.mae })
    if (test.mae < best.test.mae) best = { method, test }
  }
  const forecast = best.method
    .run(y)
    .forecast(h)
    .map((v) => Math.max(0, v))
  const z = normalQuantile(0.5 + (o.level ?? 0.9) / 2)
  const spread = (k: number) => z * (best.test.rmseByStep[k] ?? best.test.rmseByStep.at(-1) ?? 0)
  return {
    method: best.method.name,
    params: best.method.params,
    profile,
    forecast,
    lower: forecast.map((f, k) => Math.max(0, f - spread(k))),
    upper: forecast.map((f, k) => f + spread(k)),
    sigmaTotal: best.test.rmseTotal,
    mase: mase(best.test.mae, naiveScale(train.length > m ? train : y, m)),
    wape: best.test.wape,
    naiveMae: naiveTest.mae,
    mae: best.test.mae,
    candidates,
  }
}
