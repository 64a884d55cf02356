import { describe, expect, it } from 'vitest'
import { idempotencyKey, requestHash } from '../hooks/idempotency.js'

describe('idempotency helpers', () => {
  it('reads the key from REST headers or in-process params', () => {
    expect(idempotencyKey({ headers: { 'idempotency-key': 'abc-123' } })).toBe('abc-123')
    expect(idempotencyKey({ idempotencyKey: 'k1' })).toBe('k1')
    expect(idempotencyKey({ headers: {} })).toBeUndefined()
    expect(idempotencyKey(undefined)).toBeUndefined()
  })

  it('refuses keys that are too long or not printable', () => {
    expect(() => idempotencyKey({ headers: { 'idempotency-key': 'x'.repeat(201) } })).toThrow(
      /Invalid Idempotency-Key/,
    )
    expect(() => idempotencyKey({ headers: { 'idempotency-key': 'has space' } })).toThrow(
      /Invalid Idempotency-Key/,
    )
  })

  it('hashes bodies independently of key order, and tells different bodies apart', () => {
    expect(requestHash({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(
      requestHash({ b: { d: 'x', c: [1, 2] }, a: 1 }),
    )
    expect(requestHash({ a: 1 })).not.toBe(requestHash({ a: 2 }))
    expect(requestHash({ lines: [{ q: 1 }, { q: 2 }] })).not.toBe(
      requestHash({ lines: [{ q: 2 }, { q: 1 }] }),
    )
  })
})
