import { describe, expect, it } from 'vitest'
import { parseDuration } from '../config.js'
import { issuedAtMs } from '../session.js'
import { generateApiKey, hashApiKey } from '../api-keys.js'
import { rolesProblem } from '../user-hooks.js'

describe('durations', () => {
  it.each([
    ['900', 900],
    ['15m', 900],
    ['1h', 3600],
    ['30d', 2_592_000],
    [60, 60],
  ])('%j is %d s', (v, s) => expect(parseDuration(v)).toBe(s))
  it('refuses nonsense', () => {
    for (const v of ['', '15 minutes', '-1', '0', 'h'])
      expect(() => parseDuration(v)).toThrow(/Invalid duration/)
  })
})

describe('issue time', () => {
  it('uses the millisecond claim when it agrees with iat', () => {
    expect(issuedAtMs({ iat: 1700000000, iatMs: 1700000000123 })).toBe(1700000000123)
    // a claim outside its second is ignored (fail closed: the start of the second)
    expect(issuedAtMs({ iat: 1700000000, iatMs: 1700000009999 })).toBe(1700000000000)
    expect(issuedAtMs({ iat: 1700000000 })).toBe(1700000000000)
  })

  it('a token from earlier in the same second as tokensValidAfter is void, a later one is not', () => {
    const validAfter = 1700000000500
    expect(issuedAtMs({ iat: 1700000000, iatMs: 1700000000400 }) < validAfter).toBe(true)
    expect(issuedAtMs({ iat: 1700000000, iatMs: 1700000000600 }) < validAfter).toBe(false)
    // without milliseconds the whole second counts as before
    expect(issuedAtMs({ iat: 1700000000 }) < validAfter).toBe(true)
  })
})

describe('API key material', () => {
  it('is plm_<8>_<43>, hashed with sha256', () => {
    const { key, prefix, hash } = generateApiKey()
    expect(key).toMatch(/^plm_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43}$/)
    expect(key.slice(4, 12)).toBe(prefix)
    expect(hash).toBe(hashApiKey(key))
    expect(generateApiKey().key).not.toBe(key)
  })
})

describe('roles and partners', () => {
  it('partner roles need a partner, staff have none, no mixing', () => {
    expect(rolesProblem(['partner_user'], null)?.path).toBe('/partnerId')
    expect(rolesProblem(['partner_admin'], 3)).toBeUndefined()
    expect(rolesProblem(['finance'], 3)?.path).toBe('/partnerId')
    expect(rolesProblem(['finance', 'partner_user'], 3)?.path).toBe('/roles')
    expect(rolesProblem(['finance', 'auditor'], null)).toBeUndefined()
  })
})
