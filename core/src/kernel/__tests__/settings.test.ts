import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { knexOf, setting, settingsFromEnv } from '../settings.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..')
// every layer reads its settings typed; nothing is exempt
const UNDER_REWRITE: string[] = []

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory())
      return name === '__tests__' || name === 'node_modules' ? [] : sources(path)
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : []
  })
}

describe('typed settings', () => {
  it('reads the environment in one place', () => {
    expect(
      settingsFromEnv({
        PLUME_REVEAL_ROLES: ' admin, finance ,',
        PLUME_TRUST_PROXY: '1',
        PLUME_SMTP_URL: 'smtp://x',
        PLUME_ENCRYPTION_KEYS: 'k1:abc',
      }),
    ).toEqual({
      logLevel: 'info',
      trustProxy: true,
      revealRoles: ['admin', 'finance'],
      smtpUrl: 'smtp://x',
      encryptionKeys: 'k1:abc',
    })
    expect(settingsFromEnv({ LOG_LEVEL: 'silent' })).toEqual({ logLevel: 'silent', trustProxy: false })
  })

  it('gives hooks the transaction of their write, else the app database', () => {
    const knex = { name: 'app' }
    const trx = { name: 'trx' }
    // a holder as loosely typed as a hook's `context.app`
    const app: { get(name: string): any } = { get: (name) => (name === 'db' ? { knex } : undefined) } // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(knexOf({ app, params: {} })).toBe(knex)
    expect(knexOf({ app, params: { transaction: trx } })).toBe(trx)
    expect(setting(app, 'db').knex).toBe(knex)
  })

  it('no setting is read with a cast (`app.get(name) as T`) in core or the plugins', () => {
    const dirs = [
      join(ROOT, 'core/src'),
      ...readdirSync(join(ROOT, 'plugins')).map((p) => join(ROOT, 'plugins', p, 'src')),
    ].filter((d) => statSync(d, { throwIfNoEntry: false })?.isDirectory())
    const casts = dirs
      .flatMap(sources)
      .filter((f) => !UNDER_REWRITE.some((u) => relative(ROOT, f).startsWith(u)))
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .flatMap((line, i) =>
            /\bapp\.get\(\s*['"][a-zA-Z]+['"]\s*\)\)?\s*as\s/.test(line)
              ? [`${relative(ROOT, f)}:${i + 1}`]
              : [],
          ),
      )
    expect(casts).toEqual([])
  })
})
