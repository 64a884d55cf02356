/**
 * Managed extension points (#22): what a plugin adds through another plugin's API in `setup`
 * (`ctx.register(() => orders.addTransitionHook(h))`) is owned by it — removed by the host when
 * it is switched off, on every instance (followed through the store), and added exactly once
 * however often it is switched back on. The provider here is a tiny "bell" plugin whose custom
 * service runs every ringer registered with it and answers who rang.
 */
import { describe, expect, it } from 'vitest'
import type { PlumeApp, PluginDefinition, Unregister } from '@plume/core'
import { startTestPlatform, testDatabase, type TestPlatform } from '@plume/core/testing'

interface BellApi {
  addRinger(name: string): Unregister
}
/** The ringers of each app (one registry per platform, like the orders plugin's). */
const ringers = new WeakMap<object, string[]>()
const ringersOf = (app: PlumeApp) => {
  if (!ringers.has(app)) ringers.set(app, [])
  return ringers.get(app)!
}

const bell: PluginDefinition<BellApi> = {
  name: 'bell',
  version: '1.0.0',
  entities: [],
  setup: (ctx) => ({
    addRinger(name) {
      const list = ringersOf(ctx.app)
      const entry = name
      list.push(entry)
      return () => {
        const i = list.lastIndexOf(entry)
        if (i >= 0) list.splice(i, 1)
      }
    },
  }),
  services: { 'api/bell-rings': (ctx) => ({ create: () => Promise.resolve([...ringersOf(ctx.app)]) }) },
}
const listener: PluginDefinition = {
  name: 'listener',
  version: '1.0.0',
  entities: [],
  dependsOn: ['bell'],
  setup(ctx) {
    const api = ctx.use<BellApi>('bell')
    ctx.register(() => api.addRinger('listener'))
    ctx.register(() => api.addRinger('listener-late'))
  },
}

const opts = { pluginDirs: [] as string[], plugins: [bell, listener] }
const ring = (p: TestPlatform) => p.app.service('api/bell-rings').create({}) as Promise<string[]>
const switchListener = async (p: TestPlatform, enabled: boolean) => {
  const r = await p.http('PATCH', '/api/plugins/listener', { enabled }, await p.login())
  expect(r.status, JSON.stringify(r.body)).toBe(200)
}

describe('hooks registered through another plugin', () => {
  it('are removed when the plugin is disabled and added once per enable', async () => {
    const p = await startTestPlatform(opts)
    try {
      expect(await ring(p)).toEqual(['listener', 'listener-late'])
      await switchListener(p, false)
      expect(await ring(p)).toEqual([])
      for (let i = 0; i < 3; i++) {
        await switchListener(p, true)
        expect(await ring(p)).toEqual(['listener', 'listener-late'])
        await switchListener(p, false)
        expect(await ring(p)).toEqual([])
      }
      await switchListener(p, true)
      expect(await ring(p)).toEqual(['listener', 'listener-late'])
    } finally {
      await p.close()
    }
  }, 400_000)

  it('never run on an instance that followed the switch from another (PostgreSQL)', async ({ skip }) => {
    const shared = await testDatabase()
    if (shared.kind !== 'postgres') return skip()
    const a = await startTestPlatform({ ...opts, database: shared.options })
    const b = await startTestPlatform({ ...opts, database: shared.options })
    const follow = () => b.app.get('plugins')!.followStore()
    try {
      expect(await ring(b)).toEqual(['listener', 'listener-late'])
      await switchListener(a, false)
      await follow()
      expect(b.app.get('plugins')!.isEnabled('listener')).toBe(false)
      expect(await ring(b)).toEqual([])
      expect(await ring(a)).toEqual([])
      for (let i = 0; i < 2; i++) {
        await switchListener(a, true)
        await follow()
        expect(await ring(b)).toEqual(['listener', 'listener-late'])
        expect(await ring(a)).toEqual(['listener', 'listener-late'])
        await switchListener(a, false)
        await follow()
        expect(await ring(b)).toEqual([])
      }
    } finally {
      await b.close()
      await a.close()
      await shared.drop()
    }
  }, 400_000)
})
