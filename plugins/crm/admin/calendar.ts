/** Calendar arithmetic of the CRM calendar screen: days are local `YYYY-MM-DD` strings, weeks start on Monday. */

const pad = (n: number) => String(n).padStart(2, '0')

/** The local calendar day of a Date. */
export const dayKey = (d: Date): string => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`

/** A timestamp's local day, or a plain date as it is. */
export const dayOf = (value: string): string =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : dayKey(new Date(value))

/** A local Date at midnight from `YYYY-MM-DD`. */
export const parseDay = (day: string): Date => {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  return new Date(y, m - 1, d)
}

export const addDays = (day: string, n: number): string => {
  const d = parseDay(day)
  d.setDate(d.getDate() + n)
  return dayKey(d)
}

/** The Monday on or before `day`. */
export const weekStart = (day: string): string => addDays(day, -((parseDay(day).getDay() + 6) % 7))

/**
 * The days shown for a view: a month as whole weeks (Monday to Sunday, 5 or 6 rows), or one week.
 * @example visibleDays('month', '2026-12-07')[0] // '2026-11-30'
 */
export function visibleDays(view: 'month' | 'week', anchor: string): string[] {
  if (view === 'week') return Array.from({ length: 7 }, (_, i) => addDays(weekStart(anchor), i))
  const first = `${anchor.slice(0, 7)}-01`
  const start = weekStart(first)
  const next = parseDay(first)
  next.setMonth(next.getMonth() + 1)
  const end = dayKey(next)
  const days: string[] = []
  for (let d = start; d < end || days.length % 7 !== 0; d = addDays(d, 1)) days.push(d)
  return days
}

/** The anchor moved one view forward (`+1`) or back (`-1`). */
export function shift(view: 'month' | 'week', anchor: string, by: 1 | -1): string {
  if (view === 'week') return addDays(anchor, 7 * by)
  const d = parseDay(`${anchor.slice(0, 7)}-01`)
  d.setMonth(d.getMonth() + by)
  return dayKey(d)
}

/** `[from, to)` of the visible days as UTC ISO instants (local midnights), for `$gte`/`$lt` queries. */
export function rangeOf(days: readonly string[]): { from: string; to: string } {
  return {
    from: parseDay(days[0]!).toISOString(),
    to: parseDay(addDays(days[days.length - 1]!, 1)).toISOString(),
  }
}
