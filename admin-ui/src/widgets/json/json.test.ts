import { describe, expect, it } from 'vitest'
import { jsonShown, parseJsonText, showsValue } from './json'

describe('json widget', () => {
  it('parses valid JSON and flags invalid text', () => {
    expect(parseJsonText('{"a": [1, 2]}', false)).toEqual({ ok: true, value: { a: [1, 2] } })
    expect(parseJsonText('{"a": ', false)).toEqual({ ok: false })
  })

  it('clears to null when nullable, else leaves the value out', () => {
    expect(parseJsonText('  ', true)).toEqual({ ok: true, value: null })
    expect(parseJsonText('', false)).toEqual({ ok: true, value: undefined })
  })

  it('does not overwrite text that already shows the value', () => {
    expect(jsonShown({ a: 1 })).toBe('{\n  "a": 1\n}')
    expect(showsValue('{"a":1}', { a: 1 })).toBe(true)
    expect(showsValue('{"a":1}', { a: 2 })).toBe(false)
    expect(showsValue('', null)).toBe(true)
  })
})
