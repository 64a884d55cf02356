import { describe, expect, it } from 'vitest'
import { normalizeMoney, parseMoneyInput } from './money'

describe('money widget', () => {
  it('keeps what was typed as a decimal string, without grouping or spaces', () => {
    expect(parseMoneyInput('1,234.5', false)).toBe('1234.5')
    expect(parseMoneyInput(' 12 000.00 ', false)).toBe('12000.00')
    expect(parseMoneyInput('１２３．４５', false)).toBe('123.45')
    expect(parseMoneyInput('-0.10', false)).toBe('-0.10')
  })

  it('clears to null for a nullable field, to an empty string otherwise', () => {
    expect(parseMoneyInput('', true)).toBeNull()
    expect(parseMoneyInput(' ', false)).toBe('')
  })

  it('pads to two decimals on blur, exactly (no float rounding)', () => {
    expect(normalizeMoney('12.5')).toBe('12.50')
    expect(normalizeMoney('7')).toBe('7.00')
    expect(normalizeMoney('007.1')).toBe('7.10')
    expect(normalizeMoney('-3.')).toBe('-3.00')
    expect(normalizeMoney('999999999999.99')).toBe('999999999999.99')
    expect(normalizeMoney('0.1')).toBe('0.10')
  })

  it('leaves anything that is not a plain amount to the validator', () => {
    expect(normalizeMoney('12.345')).toBeUndefined()
    expect(normalizeMoney('abc')).toBeUndefined()
    expect(normalizeMoney(null)).toBeUndefined()
  })
})
