/** Demand forecasting and replenishment maths: pure functions, no database. */
export type { DemandClass, Fit, Method, MethodName, Series } from './types.js'
export { seasonalNaive } from './naive.js'
export { ses, holt, holtWinters, smoothingRun } from './smoothing.js'
export { croston, sba, tsb } from './croston.js'
export { classify, ADI_CUT, CV2_CUT, type Profile } from './classify.js'
export { backtest, naiveScale, mase, type Backtest } from './accuracy.js'
export {
  forecastSeries,
  candidatesFor,
  methodFrom,
  type ForecastOptions,
  type ForecastResult,
} from './select.js'
export { normalQuantile } from './normal.js'
export {
  safetyStock,
  policy,
  suggestQuantity,
  inventoryPosition,
  stockoutPeriod,
  type LeadTime,
  type Policy,
  type Position,
} from './replenish.js'
