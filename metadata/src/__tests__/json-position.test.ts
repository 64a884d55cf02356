import { describe, expect, it } from 'vitest'
import { locateJsonError } from '../json-position.js'

describe('locateJsonError', () => {
  it('accepts valid JSON', () => {
    for (const text of [
      '{}',
      '[]',
      '{"a": [1, -2.5e3, true, false, null, "x\\u00e9\\n"]}',
      '\uFEFF{ "a": {} }\n',
    ]) {
      expect(locateJsonError(text), text).toBeUndefined()
    }
  })

  it('names line, column and reason', () => {
    expect(locateJsonError('{\n  "a": 1,\n}')).toEqual({ line: 3, column: 1, reason: 'trailing comma' })
    expect(locateJsonError('{"a": [1, 2,]}')).toEqual({ line: 1, column: 13, reason: 'trailing comma' })
    expect(locateJsonError('{"a" 1}')).toEqual({ line: 1, column: 6, reason: 'expected ":", found "1"' })
    expect(locateJsonError('{"a": "b}')).toEqual({ line: 1, column: 10, reason: 'unterminated string' })
    expect(locateJsonError("{'a': 1}")).toEqual({ line: 1, column: 2, reason: 'unexpected "\'"' })
    expect(locateJsonError('{} {}')).toEqual({
      line: 1,
      column: 4,
      reason: 'unexpected text after the JSON value',
    })
    expect(locateJsonError('')).toEqual({ line: 1, column: 1, reason: 'unexpected end of file' })
    expect(locateJsonError('{"a": 01}')).toEqual({ line: 1, column: 8, reason: 'expected "}", found "1"' })
  })

  it('agrees with JSON.parse on what is valid', () => {
    const samples = [
      '{"a":1}',
      '{"a":1,}',
      '[1,,2]',
      '"x',
      'nul',
      '{"a":.5}',
      '{"a":"\\x"}',
      '[1 2]',
      '{"a":-}',
      '{"\t":1}',
    ]
    for (const text of samples) {
      let parses = true
      try {
        JSON.parse(text)
      } catch {
        parses = false
      }
      expect(locateJsonError(text) === undefined, text).toBe(parses)
    }
  })
})
