/**
 * Errors keep their status (#22): what a plugin throws reaches the client as the core would say
 * it — a plain `Error` is a 500 with a generic message while the server's log has its message and
 * stack; a Feathers error from the plugin's OWN copy of @feathersjs/errors (another module
 * instance, as a published plugin bundles it) keeps its status, message and field errors; a shape
 * that only pretends to be one is a 500; a database error (unique, check, foreign key) is the 4xx
 * the core maps it to.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Writable } from 'node:stream'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PluginDefinition } from '@plume/core'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'

const LOYALTY_DIR = fileURLToPath(new URL('../fixtures/plugins/loyalty-plugin', import.meta.url))
const require = createRequire(import.meta.url)

/** A second copy of @feathersjs/errors, loaded from a temporary folder: its classes are not the core's. */
function ownErrorsCopy(dir: string): typeof import('@feathersjs/errors') {
  const source = dirname(dirname(require.resolve('@feathersjs/errors')))
  const target = join(dir, 'node_modules', '@feathersjs', 'errors')
  cpSync(source, target, { recursive: true })
  return createRequire(join(dir, 'index.js'))('@feathersjs/errors') as typeof import('@feathersjs/errors')
}

const tmp = mkdtempSync(join(tmpdir(), 'plume-own-errors-'))
const own = ownErrorsCopy(tmp)
const core = require('@feathersjs/errors') as typeof import('@feathersjs/errors')
const SECRET = 'loyalty ledger at /srv/secret/path is corrupt'

const fail = (make: () => unknown) => ({
  handler: () => Promise.reject(make() as Error),
})
const thrower: PluginDefinition = {
  name: 'thrower',
  version: '1.0.0',
  dependsOn: ['loyalty'],
  entities: [],
  migrations: [
    {
      name: '20260101000000-thrower-items',
      up: async (_ctx, trx) => {
        await trx.raw(
          'create table thrower_items (id serial primary key, code text unique, n integer check (n > 0), account_id integer references loyalty_accounts(id))',
        )
      },
    },
  ],
  actions: {
    loyaltyAccount: {
      'fail-plain': fail(() => new Error(SECRET)),
      'fail-own-bad-request': fail(
        () =>
          new own.BadRequest('Points must be positive', {
            errors: [{ path: '/points', message: 'must be positive' }],
          }),
      ),
      'fail-own-conflict': fail(() => new own.Conflict('The account is frozen')),
      'fail-forged': fail(() =>
        Object.assign(new Error('I am not what I say'), {
          type: 'FeathersError',
          name: 'BadRequest',
          code: 200,
          className: 'bad-request',
        }),
      ),
      'fail-unique': {
        async handler(_id, _data, { trx }) {
          await trx.raw(`insert into thrower_items (code, n) values ('A', 1), ('A', 2)`)
          return {}
        },
      },
      'fail-check': {
        async handler(_id, _data, { trx }) {
          await trx.raw(`insert into thrower_items (code, n) values ('B', -1)`)
          return {}
        },
      },
      'fail-reference': {
        async handler(_id, _data, { trx }) {
          await trx.raw(`insert into thrower_items (code, n, account_id) values ('C', 1, 2000000000)`)
          return {}
        },
      },
    },
  },
  services: {
    'api/thrower-checks': () => ({
      create: () => Promise.reject(new own.NotFound('No such check')),
      find: () => Promise.reject(new Error(SECRET)),
    }),
  },
}

const logs: string[] = []
let p: TestPlatform
let token: string
let account: number

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString())
      done()
    },
  })
  p = await startTestPlatform({ plugins: [LOYALTY_DIR, thrower], logger: pino({ level: 'error' }, sink) })
  token = await p.login()
  const r = await p.http('POST', '/api/loyalty-accounts', { number: 'L-1', points: 10 }, token)
  expect(r.status, JSON.stringify(r.body)).toBe(201)
  account = (r.body as { id: number }).id
}, 600_000)
afterAll(async () => {
  await p?.close()
  rmSync(tmp, { recursive: true, force: true })
})

const run = (action: string) => p.http('POST', `/api/loyalty-accounts/${account}/${action}`, {}, token)

describe('errors a plugin throws', () => {
  it('the copy of the errors package is another module instance', () => {
    expect(new own.BadRequest('x') instanceof core.FeathersError).toBe(false)
    expect(p.app.get('plugins')!.isEnabled('thrower')).toBe(true)
  })

  it('a plain Error → 500 "Internal error"; the log has its message and stack', async () => {
    logs.length = 0
    const r = await run('fail-plain')
    expect(r.status).toBe(500)
    expect(r.body).toMatchObject({ name: 'GeneralError', message: 'Internal error', code: 500 })
    expect(JSON.stringify(r.body)).not.toContain('secret')
    const line = logs.find((l) => l.includes(SECRET))
    expect(line, logs.join('\n')).toBeDefined()
    const err = (JSON.parse(line!) as { err: { message: string; stack: string } }).err
    expect(err.message).toBe(SECRET)
    expect(err.stack).toContain('plugin-errors.test.ts')
  })

  it('a Feathers error of its own copy keeps its status, message and field errors', async () => {
    const bad = await run('fail-own-bad-request')
    expect(bad.status).toBe(400)
    expect(bad.body).toMatchObject({
      name: 'BadRequest',
      message: 'Points must be positive',
      className: 'bad-request',
      errors: [{ path: '/points', message: 'must be positive' }],
    })
    const conflict = await run('fail-own-conflict')
    expect(conflict.status).toBe(409)
    expect(conflict.body).toMatchObject({ name: 'Conflict', message: 'The account is frozen' })
  })

  it('from a custom service too (404), and a plain Error there is a 500 logged with its cause', async () => {
    const r = await p.http('POST', '/api/thrower-checks', {}, token)
    expect(r.status).toBe(404)
    expect(r.body).toMatchObject({ name: 'NotFound', message: 'No such check' })
    logs.length = 0
    const plain = await p.http('GET', '/api/thrower-checks', undefined, token)
    expect(plain.status).toBe(500)
    expect(JSON.stringify(plain.body)).not.toContain('secret')
    expect(logs.some((l) => l.includes(SECRET) && l.includes('"stack"'))).toBe(true)
  })

  it('a shape that only pretends to be a Feathers error (code 200) is a 500', async () => {
    const r = await run('fail-forged')
    expect(r.status).toBe(500)
    expect(r.body).toMatchObject({ message: 'Internal error' })
  })

  it.each([
    ['fail-unique', 409, 'must be unique'],
    ['fail-check', 400, 'violates a check constraint'],
    ['fail-reference', 409, 'reference violation'],
  ])('a database error in %s → %i as the core maps it', async (action, status, message) => {
    const r = await run(action)
    expect(r.status, JSON.stringify(r.body)).toBe(status)
    expect((r.body as { errors: Array<{ message: string }> }).errors[0]!.message).toBe(message)
    expect(JSON.stringify(r.body)).not.toMatch(/insert|thrower_items/)
  })
})
