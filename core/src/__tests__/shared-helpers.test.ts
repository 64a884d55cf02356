/**
 * One helper per job (#14 "shared helpers live in core's public API"): bearer tokens (API keys and
 * embed session tokens) are minted, hashed and compared by `auth/tokens.ts`; the plugins' hook
 * helpers (`trxOf`, `nowOf`, `invalidField`, `internalFlag`) come from `@plume/core`, and no
 * built-in plugin defines its own copy.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { HookContext } from '@feathersjs/feathers'
import { describe, expect, it } from 'vitest'
import { internalFlag, invalidField, nowOf, trxOf } from '../index.js'
import { generateApiKey, hashApiKey } from '../auth/api-keys.js'
import { hashToken, mintToken, sameHash, tokenPattern } from '../auth/tokens.js'

const ROOT = resolve(import.meta.dirname, '../../..')

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const path = join(dir, f)
    if (statSync(path).isDirectory()) return f === '__tests__' || f === 'node_modules' ? [] : sources(path)
    return f.endsWith('.ts') ? [path] : []
  })
}

describe('tokens', () => {
  it('API keys and embed session tokens are minted and hashed by one helper', () => {
    const session = generateApiKey('session')
    expect(tokenPattern('pes').exec(session.key)?.[2]).toBe(session.prefix)
    expect(session.hash).toBe(hashToken(session.key))
    const key = mintToken('sk')
    expect(tokenPattern('plm', 'pk', 'sk').exec(key.key)?.slice(1, 3)).toEqual(['sk', key.prefix])
    expect(hashApiKey(key.key)).toBe(key.hash)
    expect(mintToken('sk').key).not.toBe(key.key)
  })

  it('compares a stored hash in constant time, and nothing stored never matches', () => {
    const { hash } = mintToken('pk')
    expect(sameHash(hash, hash)).toBe(true)
    expect(sameHash(hash, hashToken('other'))).toBe(false)
    expect(sameHash(null, hash)).toBe(false)
    expect(sameHash(hash.slice(1), hash)).toBe(false)
  })

  it('no other module mints or compares tokens itself', () => {
    const own = ['auth/tokens.ts', 'auth/password.ts', 'ops/metrics-route.ts']
    const offenders = sources(resolve(ROOT, 'core/src'))
      .filter((f) => !own.some((o) => f.endsWith(o)))
      .filter((f) =>
        /timingSafeEqual|createHash\('sha256'\)\.update\([a-z]*(key|token)/i.test(readFileSync(f, 'utf8')),
      )
    expect(offenders).toEqual([])
  })
})

describe("plugins' hook helpers", () => {
  it('trxOf answers the write transaction or names the plugin', () => {
    const trx = {} as never
    expect(trxOf({ params: { transaction: trx } } as unknown as HookContext, 'orders')).toBe(trx)
    expect(() => trxOf({ params: {} } as unknown as HookContext, 'orders')).toThrow(
      /^orders: expected to run inside the transaction/,
    )
  })

  it('nowOf takes params.now from in-process callers only', () => {
    expect(nowOf({ now: '2026-11-25T08:00:00Z' }).toISOString()).toBe('2026-11-25T08:00:00.000Z')
    expect(nowOf({ now: '2026-11-25T08:00:00Z', provider: 'rest' }).getFullYear()).not.toBe(1999)
    expect(nowOf({ now: '2026-11-25T08:00:00Z', provider: 'rest' }).toISOString()).not.toBe(
      '2026-11-25T08:00:00.000Z',
    )
  })

  it('invalidField is a 400 naming the field; internalFlag marks params', () => {
    const err = invalidField('/quantity', 'must be above 0')
    expect([err.code, err.message, err.errors]).toEqual([
      400,
      'Invalid data: quantity must be above 0',
      [{ path: '/quantity', message: 'must be above 0' }],
    ])
    const flag = internalFlag('testInternal')
    expect([flag.is({ [flag.key]: true }), flag.is({}), flag.is(undefined)]).toEqual([true, false, false])
  })

  it('no built-in plugin defines its own trxOf, nowOf, 400 helper or internal flag', () => {
    const copies = sources(resolve(ROOT, 'plugins')).flatMap((f) => {
      const text = readFileSync(f, 'utf8')
      const found = [
        /function (trxOf|nowOf)\(/,
        /=> new BadRequest\(`Invalid data: \$\{path/,
        /\?\.\[(INTERNAL|PREPARED)\]/,
      ].filter((re) => re.test(text))
      return found.length ? [`${f.slice(ROOT.length + 1)}: ${found.map(String).join(', ')}`] : []
    })
    expect(copies).toEqual([])
  })
})
