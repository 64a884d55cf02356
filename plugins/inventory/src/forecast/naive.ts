import type { Fit, Method, Series } from './types.js'

/**
 * Seasonal naive: the value one season before (`m` = 1 is the plain naive forecast, the last value).
 * The benchmark every chosen method is measured against (MASE).
 */
export function seasonalNaive(m: number): Method {
  return {
    name: 'seasonalNaive',
    params: { m },
    warmup: m,
    run: (y: Series): Fit => {
      // the forecast for t + h from origin t: the latest value of the same season at or before t
      const at = (t: number, h: number) => y[t - m + 1 + ((h - 1) % m)] ?? 0
      return { ahead: at, forecast: (h) => Array.from({ length: h }, (_, i) => at(y.length - 1, i + 1)) }
    },
  }
}
