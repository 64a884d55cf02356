/** Date input: a calendar day `YYYY-MM-DD`, never an instant (no time-zone shift). */

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/

/** Whether `s` is a real calendar day (`2024-02-30` is not). */
export function isDay(s: string): boolean {
  const m = DAY.exec(s)
  if (!m) return false
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
  return (
    d.getUTCFullYear() === Number(m[1]) &&
    d.getUTCMonth() === Number(m[2]) - 1 &&
    d.getUTCDate() === Number(m[3])
  )
}

/**
 * The stored value as the picker's `YYYY-MM-DD` text: a date-time from the server is cut to its day.
 * @example dayShown('2024-03-01T00:00:00.000Z') // '2024-03-01'
 */
export function dayShown(value: unknown): string {
  if (value === null || value === undefined) return ''
  const s = String(value).slice(0, 10)
  return isDay(s) ? s : ''
}

/** What the picker gave as the value to store: the day, or `null` when cleared. */
export const dayStored = (v: unknown): string | null => (typeof v === 'string' && isDay(v) ? v : null)
