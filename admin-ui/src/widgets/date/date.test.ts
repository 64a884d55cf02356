import { describe, expect, it } from 'vitest'
import { dayShown, dayStored, isDay } from './date'

describe('date widget', () => {
  it('accepts real calendar days only', () => {
    expect(isDay('2024-02-29')).toBe(true)
    expect(isDay('2023-02-29')).toBe(false)
    expect(isDay('2024-13-01')).toBe(false)
    expect(isDay('24-01-01')).toBe(false)
  })

  it('shows the day of a stored value without a time-zone shift', () => {
    expect(dayShown('2024-03-01')).toBe('2024-03-01')
    expect(dayShown('2024-03-01T23:30:00.000Z')).toBe('2024-03-01')
    expect(dayShown(null)).toBe('')
    expect(dayShown('soon')).toBe('')
  })

  it('stores the picked day, null when cleared', () => {
    expect(dayStored('2024-12-31')).toBe('2024-12-31')
    expect(dayStored(null)).toBeNull()
    expect(dayStored('')).toBeNull()
  })
})
