/** Exact decimal money shared by every plugin that computes amounts (exported from `@plume/core`). */
import { Decimal } from 'decimal.js'

/** Decimal for money: 34 significant digits, half-up rounding (never a float). */
export const Money = Decimal.clone({ precision: 34, rounding: Decimal.ROUND_HALF_UP })
export type Money = InstanceType<typeof Money>
export type MoneyInput = Money | string | number

/**
 * A numeric string with 2 decimals, rounded half up.
 * @example money('12.345') // '12.35'
 */
export const money = (v: MoneyInput): string =>
  new Money(v).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2)

/** Exact decimal from a database value (numeric columns arrive as strings; numbers via String). */
export const dec = (v: unknown): Money => new Money(v === null || v === undefined || v === '' ? 0 : String(v))
