import net from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { definePlugin } from '@plume/core'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import hello from '../fixtures/plugins/hello-plugin/src/plugin.js'

const BASE_ENTITIES = fileURLToPath(new URL('../fixtures/plugins/base-entities', import.meta.url))
const HELLO_DIR = fileURLToPath(new URL('../fixtures/plugins/hello-plugin', import.meta.url))

/** Depends on hello: uses its API and adds a second action on greetings. */
const fan = definePlugin({
  name: 'hello-fan',
  version: '1.0.0',
  dependsOn: ['hello'],
  setup: (ctx) => ({ line: ctx.use<{ greet(n: string): string }>('hello').greet('fan') }),
  actions: {
    greeting: {
      cheer: { handler: async (id) => ({ id, cheered: true }) },
      // reads sent right behind the lock; the handler awaits what they answered
      hug: {
        prefetch: async (id, { trx }) =>
          (
            (await trx.raw(
              'select txid_current()::text as tx, (select text from hello_greetings where id = ?) as text',
              [id],
            )) as { rows: unknown[] }
          ).rows[0],
        handler: async (id, _data, { trx, prefetched }) => {
          const read = (await prefetched) as { tx: string; text: string }
          const roundTrips = await roundTripsOf(trx)
          const own = (
            (await trx.raw('select txid_current()::text as tx')) as { rows: Array<{ tx: string }> }
          ).rows[0]!
          return { id, text: read.text, sameTransaction: read.tx === own.tx, roundTrips }
        },
      },
    },
  },
  services: {
    'api/hello-fan': (ctx) => ({
      find: async () => ({ line: ctx.use<{ greet(n: string): string }>('hello').greet('fan') }),
    }),
  },
})

/** Writes and reads per socket of this process, recorded while `on`. */
const socketLog = { per: new Map<unknown, string[]>(), on: false }
const proto = net.Socket.prototype as unknown as Record<
  '_write' | '_writev' | 'push',
  (...a: unknown[]) => unknown
>
for (const [m, e] of [
  ['_write', 'w'],
  ['_writev', 'w'],
  ['push', 'r'],
] as const) {
  const orig = proto[m]
  proto[m] = function (this: unknown, ...a: unknown[]) {
    if (socketLog.on) socketLog.per.set(this, [...(socketLog.per.get(this) ?? []), e])
    return orig.apply(this, a)
  }
}
/** Round trips so far on the socket of the transaction's connection (runs of writes; PostgreSQL). */
const roundTripsOf = async (trx: { client: unknown }) => {
  const conn = await (
    trx.client as { acquireConnection(): Promise<{ connection?: { stream?: unknown } }> }
  ).acquireConnection()
  const events = socketLog.per.get(conn.connection?.stream) ?? []
  return events.filter((e, i) => e === 'w' && events[i - 1] !== 'w').length
}

const isolated = { entityDirs: [BASE_ENTITIES], pluginDirs: [] as string[] }

const events = async (p: TestPlatform) =>
  ((await p.db.knex('hello_log').orderBy('id').select('event')) as Array<{ event: string }>).map(
    (r) => r.event,
  )
const columns = async (p: TestPlatform, table: string) =>
  (
    (await p.db
      .knex('information_schema.columns')
      .where({ table_name: table })
      .select('column_name')) as Array<{ column_name: string }>
  ).map((r) => r.column_name)

describe('a plugin from outside plugins/: install, hooks, actions, services, disable and enable', () => {
  let p: TestPlatform
  let admin: string
  const api = (method: string, path: string, body?: unknown, token = admin) =>
    p.http(method, path, body, token)

  beforeAll(async () => {
    p = await startTestPlatform({ ...isolated, plugins: [HELLO_DIR, fan] })
    admin = await p.login()
  })
  afterAll(async () => p?.close())

  it('installs: migration, install and enable ran once; entity and extension columns exist', async () => {
    const list = await api('GET', '/api/plugins')
    expect(list.status).toBe(200)
    expect(list.body.map((x: { name: string }) => x.name)).toEqual(['hello', 'hello-fan'])
    expect(list.body[0]).toMatchObject({
      name: 'hello',
      version: '1.0.0',
      installedVersion: '1.0.0',
      enabled: true,
      dependsOn: [],
      error: null,
      entities: ['greeting'],
      services: ['api/hello-stats'],
    })
    expect(list.body[0].description.en).toMatch(/Greetings/)
    expect(await events(p)).toEqual(['install', 'enable'])
    const migrations = await p.db.knex('plume_plugin_migrations').where({ plugin: 'hello' }).select('name')
    expect(migrations).toEqual([{ name: '20260101000000-hello-log' }])
    expect(await columns(p, 'hello_greetings')).toEqual(
      expect.arrayContaining(['id', 'text', 'waves', 'customerId', 'version']),
    )
    expect(await columns(p, 'customers')).toContain('helloNote')
    expect(p.app.get('entities').get('customer')?.fields.helloNote?.column).toBe('varchar(100)')
  })

  it('runs the plugin hooks on the entity it ships and on the one it extends', async () => {
    const g = await api('POST', '/api/greetings', { text: 'hi there' })
    expect(g.status).toBe(201)
    expect(g.body).toMatchObject({ text: 'HI THERE', waves: 0 })
    const c = await api('POST', '/api/customers', { code: 'H-1', name: 'Hello Co' })
    expect(c.body.helloNote).toBe('hello!')
    const own = await api('POST', '/api/customers', { code: 'H-2', name: 'Own Note', helloNote: 'mine' })
    expect(own.body.helloNote).toBe('mine')
  })

  it('serves the action over HTTP in one transaction, checking id and token', async () => {
    const g = await api('POST', '/api/greetings', { text: 'wave at me' })
    const w1 = await api('POST', `/api/greetings/${g.body.id}/wave`, {})
    expect(w1.status).toBe(201)
    expect(w1.body).toMatchObject({ id: g.body.id, waves: 1, text: 'WAVE AT ME' })
    const w2 = await api('POST', `/api/greetings/${g.body.id}/wave`)
    expect(w2.body.waves).toBe(2)
    expect((await api('POST', '/api/greetings/abc/wave', {})).status).toBe(400)
    expect((await api('POST', '/api/greetings/0/wave', {})).status).toBe(400)
    expect((await api('POST', '/api/greetings/99999/wave', {})).status).toBe(404)
    expect((await api('POST', `/api/greetings/${g.body.id}/wave`, [1, 2])).status).toBe(400)
    expect((await p.http('POST', `/api/greetings/${g.body.id}/wave`, {})).status).toBe(401)
    const cheer = await api('POST', `/api/greetings/${g.body.id}/cheer`, {})
    expect(cheer.body).toEqual({ id: g.body.id, cheered: true })
    // prefetch: read in the action's transaction, behind the lock, handed to the handler
    Object.assign(socketLog, { per: new Map(), on: true })
    const hug = (await p.app
      .service('api/greetings/:id/hug')
      .create({}, { route: { id: String(g.body.id) } })) as Record<string, unknown>
    socketLog.on = false
    expect(hug).toMatchObject({ id: g.body.id, text: 'WAVE AT ME', sameTransaction: true })
    // PostgreSQL: BEGIN, the lock and the prefetch together (pipelined); PGlite has no socket
    if (p.db.kind === 'postgres') expect(hug.roundTrips).toBe(1)
    expect((await api('POST', '/api/greetings/99999/hug', {})).status).toBe(404)
    const actions = p.app.get('actions') as Map<
      string,
      Array<{ name: string; permission: string; plugin: string }>
    >
    expect(actions.get('greeting')).toEqual([
      expect.objectContaining({
        name: 'wave',
        permission: 'greetings:wave',
        plugin: 'hello',
        label: { en: 'Wave', 'zh-CN': '挥手' },
      }),
      expect.objectContaining({ name: 'cheer', permission: 'greetings:cheer', plugin: 'hello-fan' }),
      expect.objectContaining({ name: 'hug', permission: 'greetings:hug', plugin: 'hello-fan' }),
    ])
  })

  it('mounts custom services, and gives dependents the API of their dependencies', async () => {
    const stats = await api('GET', '/api/hello-stats')
    expect(stats.status).toBe(200)
    expect(stats.body).toEqual({ greetings: 2, waves: 2 })
    expect((await p.http('GET', '/api/hello-stats')).status).toBe(401)
    expect((await api('GET', '/api/hello-fan')).body).toEqual({ line: 'Hello, fan!' })
  })

  it('lets only admins enable or disable plugins', async () => {
    const user = await api('POST', '/api/users', {
      email: 'rep@test.local',
      name: 'Rep',
      password: 'rep-Secret-123',
      roles: ['sales_rep'],
    })
    expect(user.status).toBe(201)
    const rep = await p.login('rep@test.local', 'rep-Secret-123')
    const r = await api('PATCH', '/api/plugins/hello-fan', { enabled: false }, rep)
    expect(r.status).toBe(403)
    expect((await api('GET', '/api/plugins', undefined, rep)).status).toBe(200)
    expect((await p.http('GET', '/api/plugins')).status).toBe(401)
    expect((await api('PATCH', '/api/plugins/hello-fan', { enabled: 'no' })).status).toBe(400)
    expect((await api('PATCH', '/api/plugins/hello-fan', { enabled: false, version: '9' })).status).toBe(400)
    expect((await api('PATCH', '/api/plugins/nope', { enabled: false })).status).toBe(404)
  })

  it('refuses to disable a plugin that an enabled plugin depends on, naming it', async () => {
    const r = await api('PATCH', '/api/plugins/hello', { enabled: false })
    expect(r.status).toBe(409)
    expect(r.body.message).toMatch(/hello-fan/)
  })

  it('disables at run time: routes answer 404, hooks stop, other actions stay, data survives', async () => {
    const off = await api('PATCH', '/api/plugins/hello-fan', { enabled: false })
    expect(off.status).toBe(200)
    expect(off.body).toMatchObject({ name: 'hello-fan', enabled: false })
    expect((await api('GET', '/api/hello-fan')).status).toBe(404)
    const g = (await api('GET', '/api/greetings?$limit=1')).body.data[0]
    expect((await api('POST', `/api/greetings/${g.id}/cheer`, {})).status).toBe(404)
    // the fan's action shared the `:id` route segment with hello's: wave must still answer
    expect((await api('POST', `/api/greetings/${g.id}/wave`, {})).status).toBe(201)
    // the allowed actions follow: the fan's are no longer offered, hello's still are
    const offered = async (id: number) =>
      ((await api('GET', `/api/greetings/${id}/actions`)).body.actions as Array<{ name: string }>).map(
        (a) => a.name,
      )
    expect(await offered(g.id)).toEqual(['wave'])

    const helloOff = await api('PATCH', '/api/plugins/hello', { enabled: false })
    expect(helloOff.status).toBe(200)
    expect((await api('GET', '/api/greetings')).status).toBe(404)
    expect((await api('POST', `/api/greetings/${g.id}/wave`, {})).status).toBe(404)
    expect((await api('GET', '/api/hello-stats')).status).toBe(404)
    expect((await api('GET', `/api/greetings/${g.id}/actions`)).status).toBe(404)
    expect((p.app.get('actions') as Map<string, unknown>).get('greeting')).toBeUndefined()
    const c = await api('POST', '/api/customers', { code: 'H-3', name: 'No Hook' })
    expect(c.status).toBe(201)
    expect(c.body.helloNote).toBeNull()
    expect(
      Number(((await p.db.knex('hello_greetings').count({ n: '*' })) as Array<{ n: string }>)[0]?.n),
    ).toBe(2)
    expect(await events(p)).toEqual(['install', 'enable', 'disable'])
    const row = await p.db.knex('plume_plugins').where({ name: 'hello' }).first()
    expect(row).toMatchObject({ enabled: false, version: '1.0.0', error: null })
  })

  it('refuses to enable a plugin whose dependency is disabled', async () => {
    const r = await api('PATCH', '/api/plugins/hello-fan', { enabled: true })
    expect(r.status).toBe(409)
    expect(r.body.message).toMatch(/"hello"/)
  })

  it('re-enables: the same data is served again and hooks and actions work', async () => {
    const on = await api('PATCH', '/api/plugins/hello', { enabled: true })
    expect(on.status).toBe(200)
    expect(on.body.enabled).toBe(true)
    const list = await api('GET', '/api/greetings?$sort[id]=1')
    expect(list.status).toBe(200)
    expect(list.body.data.map((g: { text: string }) => g.text)).toEqual(['HI THERE', 'WAVE AT ME'])
    const g = list.body.data[1]
    expect((await api('POST', `/api/greetings/${g.id}/wave`, {})).body.waves).toBe(3)
    expect((await api('POST', '/api/greetings', { text: 'back' })).body.text).toBe('BACK')
    expect((await api('POST', '/api/customers', { code: 'H-4', name: 'Hook Again' })).body.helloNote).toBe(
      'hello!',
    )
    expect(await events(p)).toEqual(['install', 'enable', 'disable', 'enable'])
    expect((await api('PATCH', '/api/plugins/hello-fan', { enabled: true })).status).toBe(200)
    expect((await api('GET', '/api/hello-fan')).body).toEqual({ line: 'Hello, fan!' })
    expect((await api('POST', `/api/greetings/${g.id}/cheer`, {})).status).toBe(201)
    expect(
      ((await api('GET', `/api/greetings/${g.id}/actions`)).body.actions as Array<{ name: string }>).map(
        (a) => a.name,
      ),
    ).toEqual(['wave', 'cheer', 'hug'])
  })

  it('works in-process too: internal calls skip the admin check', async () => {
    const svc = p.app.service('api/plugins')
    expect(((await svc.patch('hello-fan', { enabled: false })) as { enabled: boolean }).enabled).toBe(false)
    expect(((await svc.get('hello-fan')) as { enabled: boolean }).enabled).toBe(false)
    expect(((await svc.patch('hello-fan', { enabled: true })) as { enabled: boolean }).enabled).toBe(true)
  })
})

describe('upgrades on a kept database', () => {
  it('runs pending migrations and upgrade(from) once when the version changes, and keeps data', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const { testDatabase } = await import('@plume/core/testing')
    const shared = await testDatabase()
    const dir = mkdtempSync(join(tmpdir(), 'plume-plugins-'))
    const database = shared.kind === 'postgres' ? shared.options : { dataDir: dir }
    try {
      const v1 = await startTestPlatform({ ...isolated, database, plugins: [hello], demo: true })
      expect(
        (await v1.http('GET', '/api/greetings', undefined, await v1.login())).body.data.map(
          (g: { text: string }) => g.text,
        ),
      ).toEqual(['HELLO, WORLD'])
      await v1.close()

      const v2def = definePlugin({
        ...hello,
        version: '1.1.0',
        migrations: [
          ...(hello.migrations ?? []),
          {
            name: '20260201000000-hello-log-source',
            up: async (_ctx, trx) => {
              await trx.schema.alterTable('hello_log', (t) => {
                t.text('source')
              })
            },
          },
        ],
        upgrade: async (ctx, from) => {
          await ctx.knex('hello_log').insert({ event: `upgrade from ${from}`, source: 'v2' })
        },
      })
      const v2 = await startTestPlatform({ ...isolated, database, plugins: [v2def], demo: true })
      expect(await events(v2)).toEqual(['install', 'enable', 'upgrade from 1.0.0'])
      const info = (await v2.app.service('api/plugins').get('hello')) as {
        installedVersion: string
        version: string
      }
      expect(info).toMatchObject({ version: '1.1.0', installedVersion: '1.1.0' })
      expect(await columns(v2, 'hello_log')).toContain('source')
      // seeds run only on a fresh install
      expect(
        Number(((await v2.db.knex('hello_greetings').count({ n: '*' })) as Array<{ n: string }>)[0]?.n),
      ).toBe(1)
      await v2.close()

      const again = await startTestPlatform({ ...isolated, database, plugins: [v2def] })
      expect(await events(again)).toEqual(['install', 'enable', 'upgrade from 1.0.0'])
      expect(
        (
          (await again.db
            .knex('plume_plugin_migrations')
            .where({ plugin: 'hello' })
            .orderBy('name')
            .select('name')) as Array<{ name: string }>
        ).map((m) => m.name),
      ).toEqual(['20260101000000-hello-log', '20260201000000-hello-log-source'])
      await again.close()
    } finally {
      await shared.drop()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('keeps a plugin disabled across restarts when an admin disabled it', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const { testDatabase } = await import('@plume/core/testing')
    const shared = await testDatabase()
    const dir = mkdtempSync(join(tmpdir(), 'plume-plugins-'))
    const database = shared.kind === 'postgres' ? shared.options : { dataDir: dir }
    try {
      const a = await startTestPlatform({ ...isolated, database, plugins: [hello] })
      await a.app.service('api/plugins').patch('hello', { enabled: false })
      await a.close()
      const b = await startTestPlatform({ ...isolated, database, plugins: [hello] })
      const token = await b.login()
      expect((await b.http('GET', '/api/greetings', undefined, token)).status).toBe(404)
      expect((await b.http('GET', '/api/plugins/hello', undefined, token)).body).toMatchObject({
        enabled: false,
        error: null,
      })
      expect((await b.http('PATCH', '/api/plugins/hello', { enabled: true }, token)).status).toBe(200)
      expect((await b.http('GET', '/api/greetings', undefined, token)).status).toBe(200)
      expect(await events(b)).toEqual(['install', 'enable', 'disable', 'enable'])
      await b.close()
    } finally {
      await shared.drop()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
