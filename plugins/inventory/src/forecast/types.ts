/** A demand series: one value per period (week or day), oldest first, zeros included. */
export type Series = readonly number[]

/** One-step-ahead states of a method run over a series, and its forecast after the last value. */
export interface Fit {
  /** `ahead[t][h-1]` is the forecast for period `t + h` made with the data up to and including `t`. */
  ahead: (t: number, h: number) => number
  /** The forecasts for the `h` periods after the series' end. */
  forecast: (h: number) => number[]
}

export type MethodName = 'seasonalNaive' | 'ses' | 'holt' | 'holtWinters' | 'croston' | 'sba' | 'tsb'

/** A method with its parameters fixed: runs over a series in one pass. */
export interface Method {
  name: MethodName
  params: Record<string, number>
  /** Periods of data the method needs before its first forecast. */
  warmup: number
  run: (y: Series) => Fit
}

export type DemandClass = 'smooth' | 'erratic' | 'intermittent' | 'lumpy'
