import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { canonicalJson, contentText, GENESIS_HASH, jsonSafe, rowHash } from '../canonical.js'
import { maskSecrets } from '../mask.js'

describe('canonical JSON', () => {
  it('sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }], u: undefined, n: null })).toBe(
      '{"a":[2,{"c":4,"d":3}],"b":1,"n":null}',
    )
  })

  it('gives what jsonb gives back: dates as ISO text, lone surrogates replaced', () => {
    expect(jsonSafe({ at: new Date('2026-01-02T03:04:05.678Z'), s: 'a\uD800b', f: undefined })).toEqual({
      at: '2026-01-02T03:04:05.678Z',
      s: 'a\uFFFDb',
    })
  })
})

describe('row hash', () => {
  const content = {
    at: '2026-01-01T00:00:00.000Z',
    actorId: '1',
    actor: 'a@b.c',
    via: 'rest',
    action: 'create',
    entity: 'customer',
    recordId: '5',
    changes: { name: { after: 'Acme' } },
    requestId: 'r1',
    ip: '127.0.0.1',
  }

  it('is sha256 of the previous hash followed by the canonical content', () => {
    const expected = createHash('sha256')
      .update(GENESIS_HASH + contentText(content))
      .digest('hex')
    expect(rowHash(GENESIS_HASH, content)).toBe(expected)
    expect(rowHash('f'.repeat(64), content)).not.toBe(expected)
    expect(rowHash(GENESIS_HASH, { ...content, changes: { name: { after: 'Acme!' } } })).not.toBe(expected)
  })
})

describe('maskSecrets', () => {
  it('masks secret-looking keys only', () => {
    expect(
      maskSecrets({ password: 'p', accessToken: 't', apiKey: 'k', apiKeyId: 3, reason: 'r', secret: null }),
    ).toEqual({ password: '***', accessToken: '***', apiKey: '***', apiKeyId: 3, reason: 'r', secret: null })
  })
})
