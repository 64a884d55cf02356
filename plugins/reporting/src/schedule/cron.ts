/**
 * Five-field cron expressions (minute hour day-of-month month day-of-week), evaluated in UTC:
 * `*`, lists `1,15`, ranges `1-5`, steps `*\/15` and `10-50/10`; day-of-week 0–7 (0 and 7 are
 * Sunday). When both day fields are restricted a day matches either (as in Vixie cron).
 */

export interface Cron {
  minute: Set<number>
  hour: Set<number>
  dom: Set<number>
  month: Set<number>
  dow: Set<number>
  domAny: boolean
  dowAny: boolean
}

const FIELDS: Array<[keyof Omit<Cron, 'domAny' | 'dowAny'>, number, number, string]> = [
  ['minute', 0, 59, 'minute'],
  ['hour', 0, 23, 'hour'],
  ['dom', 1, 31, 'day of month'],
  ['month', 1, 12, 'month'],
  ['dow', 0, 7, 'day of week'],
]

function field(text: string, min: number, max: number, what: string): Set<number> {
  const out = new Set<number>()
  for (const part of text.split(',')) {
    const m = /^(\*|\d{1,2}(?:-\d{1,2})?)(?:\/(\d{1,2}))?$/.exec(part)
    if (!m) throw new Error(`"${part}" is not a valid ${what}`)
    const step = m[2] ? Number(m[2]) : 1
    let lo = min
    let hi = max
    if (m[1] !== '*') {
      const [a, b] = m[1]!.split('-').map(Number) as [number, number | undefined]
      lo = a
      hi = b ?? (m[2] ? max : a)
    }
    if (lo < min || hi > max || lo > hi || step < 1)
      throw new Error(`"${part}" is out of range for ${what} (${min}-${max})`)
    for (let v = lo; v <= hi; v += step) out.add(v)
  }
  return out
}

/**
 * Parses a cron expression; throws an Error naming the bad part.
 * @example parseCron('0 6 * * 1-5') // weekdays at 06:00 UTC
 */
export function parseCron(expr: string): Cron {
  const parts = expr.trim().split(/\s+/)
  if (parts.length !== 5)
    throw new Error(`"${expr}" must have 5 fields: minute hour day-of-month month day-of-week`)
  const sets = FIELDS.map(([, min, max, what], i) => field(parts[i]!, min, max, what))
  const dow = sets[4]!
  if (dow.has(7)) dow.add(0)
  return {
    minute: sets[0]!,
    hour: sets[1]!,
    dom: sets[2]!,
    month: sets[3]!,
    dow,
    domAny: parts[2] === '*',
    dowAny: parts[4] === '*',
  }
}

/** Whether the cron fires in the (UTC) minute of `t`. */
export function cronMatches(c: Cron, t: Date): boolean {
  if (!c.minute.has(t.getUTCMinutes()) || !c.hour.has(t.getUTCHours()) || !c.month.has(t.getUTCMonth() + 1))
    return false
  const dom = c.dom.has(t.getUTCDate())
  const dow = c.dow.has(t.getUTCDay())
  if (c.domAny && c.dowAny) return true
  if (c.domAny) return dow
  if (c.dowAny) return dom
  return dom || dow
}

const MINUTE = 60_000

/**
 * The latest minute in `(after, now]` at which the cron fires, or undefined (looks back at most
 * 31 days).
 * @example lastFire(parseCron('0 * * * *'), new Date('2026-01-01T10:30Z'), new Date('2026-01-01T09:59Z')) // 10:00
 */
export function lastFire(c: Cron, now: Date, after: Date): Date | undefined {
  const floor = Math.max(after.getTime(), now.getTime() - 31 * 24 * 60 * MINUTE)
  for (let t = Math.floor(now.getTime() / MINUTE) * MINUTE; t > floor; t -= MINUTE) {
    const d = new Date(t)
    if (cronMatches(c, d)) return d
  }
  return undefined
}
