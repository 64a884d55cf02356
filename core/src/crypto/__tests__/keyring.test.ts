import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { EntityDefinition } from '@plume/metadata'
import { KeyRing, keyIdOf, parseKeys } from '../keyring.js'
import { encryptedFields, fieldCodec } from '../fields.js'

const key = (id: string) => `${id}:${randomBytes(32).toString('base64')}`

describe('KeyRing', () => {
  it('round-trips text with AES-256-GCM in the enc:v1 format', () => {
    const ring = new KeyRing(parseKeys(key('k1')))
    const enc = ring.encrypt('héllo 你好')
    expect(enc).toMatch(/^enc:v1:k1:[\w-]{16}:[\w-]{22}:[\w-]+$/)
    expect(ring.decrypt(enc)).toBe('héllo 你好')
    expect(ring.encrypt('héllo 你好')).not.toBe(enc)
    expect(ring.decrypt('plain')).toBe('plain')
    expect(ring.decrypt(null)).toBeNull()
  })

  it('encrypts with the first key and decrypts with any listed one', () => {
    const [a, b] = [key('old'), key('new')]
    const old = new KeyRing(parseKeys(a)).encrypt('x')
    const ring = new KeyRing(parseKeys(`${b},${a}`))
    expect(ring.decrypt(old)).toBe('x')
    expect(keyIdOf(ring.encrypt('x'))).toBe('new')
    expect(ring.isStale(old)).toBe(true)
    expect(ring.isStale('plain')).toBe(true)
    expect(ring.isStale(ring.encrypt('x'))).toBe(false)
  })

  it('fails closed on an unknown key or a tampered value', () => {
    const ring = new KeyRing(parseKeys(key('k1')))
    const other = new KeyRing(parseKeys(key('k9')))
    expect(() => ring.decrypt(other.encrypt('x'))).toThrow(/key "k9"/)
    const enc = ring.encrypt('secret')
    // another character in place of the second-to-last one (it carries whole bits of the ciphertext)
    const flipped = enc.slice(0, -2) + (enc.at(-2) === 'A' ? 'B' : 'A') + enc.slice(-1)
    expect(flipped).not.toBe(enc)
    expect(() => ring.decrypt(flipped)).toThrow(/altered/)
  })

  it('refuses a truncated authentication tag (GCM would verify only its first bytes)', () => {
    const ring = new KeyRing(parseKeys(key('k1')))
    const [id, iv, tag, ct] = ring.encrypt('secret').slice('enc:v1:'.length).split(':')
    const short = Buffer.from(tag!, 'base64url').subarray(0, 4).toString('base64url')
    expect(() => ring.decrypt(`enc:v1:${id}:${iv}:${short}:${ct}`)).toThrow(/altered/)
  })

  it('refuses malformed key lists', () => {
    expect(() => parseKeys('')).toThrow(/no key/)
    expect(() => parseKeys('k1:' + randomBytes(16).toString('base64'))).toThrow(/32 bytes/)
    expect(() => parseKeys('bad id:' + randomBytes(32).toString('base64'))).toThrow(/key id/)
    const k = key('k1')
    expect(() => parseKeys(`${k},${k}`)).toThrow(/twice/)
  })
})

describe('encrypted fields', () => {
  const f = (name: string, extra: Record<string, unknown>) => ({
    name,
    type: 'string',
    column: 'text',
    nullable: true,
    required: false,
    unique: false,
    sensitive: true,
    readOnly: false,
    serverManaged: false,
    searchable: false,
    ui: {},
    schema: {},
    ...extra,
  })
  const entity = {
    name: 'thing',
    fieldOrder: ['email', 'password', 'login', 'short', 'plain', 'kind'],
    fields: {
      email: f('email', {}),
      password: f('password', { writeOnly: true }),
      login: f('login', { unique: true }),
      short: f('short', { column: 'varchar(20)' }),
      plain: f('plain', { sensitive: false }),
      kind: f('kind', { enum: ['a', 'b'] }),
    },
  } as unknown as EntityDefinition

  it('are sensitive text columns that are not write-only, unique or enums', () => {
    expect(encryptedFields(entity)).toEqual(['email'])
  })

  it('are encoded and decoded in place by the codec', () => {
    const codec = fieldCodec(['email'], new KeyRing(parseKeys(key('k1'))))
    const row = codec.encode({ email: 'a@b.c', plain: 'x', other: null })
    expect(row.email).toMatch(/^enc:v1:k1:/)
    expect(row.plain).toBe('x')
    expect(codec.decode(row)).toEqual({ email: 'a@b.c', plain: 'x', other: null })
  })
})
