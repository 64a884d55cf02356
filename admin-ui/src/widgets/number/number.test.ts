import { describe, expect, it } from 'vitest'
import { numberShown, numberStored } from './number'

describe('number widget', () => {
  it('shows numbers and numeric text', () => {
    expect(numberShown(3)).toBe(3)
    expect(numberShown('4.5')).toBe(4.5)
    expect(numberShown(null)).toBeUndefined()
    expect(numberShown(Number.NaN)).toBeUndefined()
  })

  it('stores whole numbers for integer fields', () => {
    expect(numberStored(2.6, { type: 'integer', nullable: false })).toBe(3)
    expect(numberStored(2.6, { type: 'number', nullable: false })).toBe(2.6)
  })

  it('clears to null when nullable, else leaves the value out', () => {
    expect(numberStored(null, { type: 'integer', nullable: true })).toBeNull()
    expect(numberStored(undefined, { type: 'integer', nullable: false })).toBeUndefined()
  })
})
