import { describe, expect, it } from 'vitest'
import { percentShown, percentStored } from './percent'

describe('percent widget', () => {
  it('shows numbers and decimal strings as numbers', () => {
    expect(percentShown('13.5000')).toBe(13.5)
    expect(percentShown(7)).toBe(7)
    expect(percentShown('')).toBeUndefined()
    expect(percentShown('x')).toBeUndefined()
  })

  it('stores the field type, rounded to the precision, within 0–100', () => {
    expect(percentStored(12.5, { type: 'number', nullable: false })).toBe(12.5)
    expect(percentStored(0.1 + 0.2, { type: 'number', nullable: false })).toBe(0.3)
    expect(percentStored(12.5, { type: 'string', nullable: false })).toBe('12.50')
    expect(percentStored(150, { type: 'number', nullable: false })).toBe(100)
    expect(percentStored(-1, { type: 'number', nullable: false })).toBe(0)
  })

  it('clears to null when nullable, else leaves the value out', () => {
    expect(percentStored(null, { type: 'number', nullable: true })).toBeNull()
    expect(percentStored(undefined, { type: 'number', nullable: false })).toBeUndefined()
  })
})
