import { fileURLToPath } from 'node:url'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPlatform, definePlugin, type PluginDefinition } from '@plume/core'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'

const BASE_ENTITIES = fileURLToPath(new URL('../fixtures/plugins/base-entities', import.meta.url))
const HELLO_DIR = fileURLToPath(new URL('../fixtures/plugins/hello-plugin', import.meta.url))
const isolated = { entityDirs: [BASE_ENTITIES], pluginDirs: [] as string[] }

const plugin = (name: string, dependsOn: string[] = [], extra: Partial<PluginDefinition> = {}) =>
  definePlugin({ name, version: '1.0.0', dependsOn, ...extra })

/** Plugin problems found before the database opens stop start-up: no database needed. */
const start = (plugins: Array<PluginDefinition | string>) =>
  createPlatform({ ...isolated, plugins, database: { dataDir: 'memory' }, logger: pino({ level: 'silent' }) })

describe('plugin problems that stop start-up', () => {
  it('names a dependency cycle', async () => {
    await expect(start([plugin('a', ['b']), plugin('b', ['a'])])).rejects.toThrow('Plugin cycle: a → b → a')
  })

  it('names a missing dependency', async () => {
    await expect(start([plugin('orders', ['inventory'])])).rejects.toThrow(
      'Plugin "orders" depends on "inventory", which is not installed',
    )
  })

  it('names a plugin defined twice', async () => {
    await expect(start([HELLO_DIR, plugin('hello')])).rejects.toThrow(/Plugin "hello" is defined twice/)
  })

  it('names a module path that is not a plugin', async () => {
    await expect(start([BASE_ENTITIES])).rejects.toThrow(/no plugin entry/)
    await expect(start(['plume-plugin-does-not-exist'])).rejects.toThrow(
      'Plugin package "plume-plugin-does-not-exist" not found',
    )
  })
})

describe('a plugin that fails at start', () => {
  let p: TestPlatform
  let admin: string
  const boom = plugin('broken', [], {
    setup: () => {
      throw new Error('boom')
    },
  })
  const child = plugin('broken-child', ['broken'], { setup: () => ({}) })
  const noInstall = plugin('no-install', [], {
    install: async () => {
      throw new Error('cannot install')
    },
  })
  const sneaky = plugin('sneaky', [], { setup: (ctx) => ctx.use('hello') })
  const badHook = plugin('bad-hook', [], { hooks: { nosuchEntity: { all: [async (_c, next) => next()] } } })

  beforeAll(async () => {
    p = await startTestPlatform({
      ...isolated,
      plugins: [HELLO_DIR, boom, child, noInstall, sneaky, badHook],
    })
    admin = await p.login()
  })
  afterAll(async () => p?.close())

  it('is reported with its error in api/plugins, its dependents disabled too', async () => {
    const r = await p.http('GET', '/api/plugins', undefined, admin)
    expect(r.status).toBe(200)
    const byName = Object.fromEntries(r.body.map((x: { name: string }) => [x.name, x]))
    expect(byName.hello).toMatchObject({ enabled: true, error: null })
    expect(byName.broken).toMatchObject({ enabled: false, error: 'boom', installedVersion: '1.0.0' })
    expect(byName['broken-child']).toMatchObject({
      enabled: false,
      error: 'depends on "broken", which is not enabled',
      installedVersion: null,
    })
    expect(byName['no-install']).toMatchObject({
      enabled: false,
      error: 'cannot install',
      installedVersion: null,
    })
    expect(byName.sneaky.error).toBe('Plugin "sneaky" uses "hello" without declaring it in dependsOn')
    expect(byName['bad-hook'].error).toBe('hooks for unknown entity "nosuchEntity"')
    const rows = await p.db.knex('plume_plugins').where({ name: 'broken' }).first()
    expect(rows).toMatchObject({ enabled: false, error: 'boom' })
  })

  it('keeps the rest serving', async () => {
    expect((await p.http('POST', '/api/greetings', { text: 'still here' }, admin)).body.text).toBe(
      'STILL HERE',
    )
    expect((await p.http('GET', '/ready')).status).toBe(200)
  })

  it('shows error details to admins only', async () => {
    await p.http(
      'POST',
      '/api/users',
      { email: 'viewer@test.local', name: 'Viewer', password: 'viewer-Secret-1', roles: ['sales_rep'] },
      admin,
    )
    const token = await p.login('viewer@test.local', 'viewer-Secret-1')
    const r = await p.http('GET', '/api/plugins/broken', undefined, token)
    expect(r.body).toMatchObject({ enabled: false, error: 'failed' })
  })

  it('answers 409 with the error when enabled again and still failing', async () => {
    const r = await p.http('PATCH', '/api/plugins/broken', { enabled: true }, admin)
    expect(r.status).toBe(409)
    expect(r.body.message).toBe('Plugin "broken" could not be enabled: boom')
  })
})
