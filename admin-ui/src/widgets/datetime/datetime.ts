/** Date-time input: shown in the browser's local time, stored as a UTC ISO-8601 instant. */

/** The stored instant as a `Date` for the picker (undefined when empty or not a date). */
export function instantShown(value: unknown): Date | undefined {
  if (value === null || value === undefined || value === '') return undefined
  const d = new Date(String(value))
  return Number.isNaN(d.getTime()) ? undefined : d
}

/**
 * What the picker gave (a local `Date`) as the value to store: UTC ISO-8601, or `null` when cleared.
 * @example instantStored(new Date('2024-03-01T08:30:00+08:00')) // '2024-03-01T00:30:00.000Z'
 */
export function instantStored(d: Date | string | number | null | undefined): string | null {
  if (d === null || d === undefined || d === '') return null
  const date = new Date(d)
  return Number.isNaN(date.getTime()) ? null : date.toISOString()
}
