import { describe, expect, it } from 'vitest'
import { isBlockedAddress } from '../webhooks/ssrf.js'
import { sign, verify } from '../webhooks/sign.js'

describe('webhook signature', () => {
  it('is HMAC-SHA256 over timestamp.body', () => {
    // echo -n '1700000000.{"a":1}' | openssl dgst -sha256 -hmac secret
    expect(sign('secret', '1700000000', '{"a":1}')).toMatch(/^sha256=[0-9a-f]{64}$/)
    const s = sign('secret', '1700000000', '{"a":1}')
    expect(verify('secret', '1700000000', '{"a":1}', s)).toBe(true)
    expect(verify('secret', '1700000001', '{"a":1}', s)).toBe(false)
    expect(verify('secret', '1700000000', '{"a":2}', s)).toBe(false)
  })
})

describe('blocked addresses', () => {
  it.each([
    '127.0.0.1',
    '10.0.0.1',
    '172.31.255.255',
    '192.168.0.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '::1',
    '::ffff:127.0.0.1',
    '::ffff:8.8.8.8',
    'fd12::1',
    'fe80::1',
    '64:ff9b::a00:1',
    'not-an-ip',
  ])('%s is refused', (a) => {
    expect(isBlockedAddress(a)).toBe(true)
  })
  it.each(['8.8.8.8', '93.184.216.34', '2606:4700:4700::1111'])('%s is public', (a) => {
    expect(isBlockedAddress(a)).toBe(false)
  })
})
