import { describe, expect, it } from 'vitest'
import { cronMatches, lastFire, parseCron } from '../schedule/cron.js'

const at = (iso: string) => new Date(iso)

describe('cron', () => {
  it('matches minutes, hours, steps, ranges and lists in UTC', () => {
    const c = parseCron('*/15 6-8 * * *')
    expect(cronMatches(c, at('2026-03-02T06:45:00Z'))).toBe(true)
    expect(cronMatches(c, at('2026-03-02T06:40:00Z'))).toBe(false)
    expect(cronMatches(c, at('2026-03-02T09:00:00Z'))).toBe(false)
    expect(cronMatches(parseCron('0 9 1,15 * *'), at('2026-03-15T09:00:00Z'))).toBe(true)
  })

  it('treats day of month and day of week as either-or when both are set; 7 is Sunday', () => {
    const c = parseCron('0 0 1 * 1')
    expect(cronMatches(c, at('2026-03-01T00:00:00Z'))).toBe(true) // the 1st (a Sunday)
    expect(cronMatches(c, at('2026-03-02T00:00:00Z'))).toBe(true) // a Monday
    expect(cronMatches(c, at('2026-03-03T00:00:00Z'))).toBe(false)
    expect(cronMatches(parseCron('0 0 * * 7'), at('2026-03-01T00:00:00Z'))).toBe(true)
  })

  it('finds the last fire time after a point', () => {
    const c = parseCron('0 * * * *')
    expect(lastFire(c, at('2026-01-01T10:30:00Z'), at('2026-01-01T09:59:00Z'))?.toISOString()).toBe(
      '2026-01-01T10:00:00.000Z',
    )
    expect(lastFire(c, at('2026-01-01T10:30:00Z'), at('2026-01-01T10:00:00Z'))).toBeUndefined()
  })

  it('refuses malformed expressions, naming the part', () => {
    expect(() => parseCron('* * * *')).toThrow(/5 fields/)
    expect(() => parseCron('61 * * * *')).toThrow(/"61" is out of range for minute/)
    expect(() => parseCron('* * * jan *')).toThrow(/"jan" is not a valid month/)
  })
})
