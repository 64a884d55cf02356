import { describe, expect, it } from 'vitest'
import { addDays, dayOf, shift, visibleDays, weekStart } from '../calendar'

describe('calendar days', () => {
  it('a month is whole Monday-to-Sunday weeks covering it', () => {
    const days = visibleDays('month', '2026-12-07')
    expect(days[0]).toBe('2026-11-30')
    expect(days.length % 7).toBe(0)
    expect(days).toContain('2026-12-31')
    expect(days[days.length - 1]).toBe('2027-01-03')
    expect(visibleDays('month', '2027-02-10')).toHaveLength(28)
  })
  it('a week starts on Monday', () => {
    expect(weekStart('2026-12-06')).toBe('2026-11-30')
    expect(visibleDays('week', '2026-12-09')).toEqual([
      '2026-12-07',
      '2026-12-08',
      '2026-12-09',
      '2026-12-10',
      '2026-12-11',
      '2026-12-12',
      '2026-12-13',
    ])
  })
  it('moves by a month or a week, across years', () => {
    expect(shift('month', '2026-12-31', 1)).toBe('2027-01-01')
    expect(shift('week', '2026-12-31', -1)).toBe('2026-12-24')
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29')
  })
  it('a plain date stays its day', () => {
    expect(dayOf('2026-12-07')).toBe('2026-12-07')
  })
})
