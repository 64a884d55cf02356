import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { startTestPlatform, testDatabase } from '@plume/core/testing'

const BASE_ENTITIES = fileURLToPath(new URL('../fixtures/plugins/base-entities', import.meta.url))
const HELLO_DIR = fileURLToPath(new URL('../fixtures/plugins/hello-plugin', import.meta.url))

/**
 * Two instances on one database (PostgreSQL): a plugin switched off or on through one of them is
 * followed by the other (every PLUME_PLUGINS_SYNC_MS) — its routes go and come back there too —
 * and its `disable`/`enable` functions run once, where the switch was made.
 */
describe('plugin switches across instances', () => {
  it('follows a disable and an enable made through the other instance', async ({ skip }) => {
    const shared = await testDatabase()
    if (shared.kind !== 'postgres') return skip()
    const opts = {
      database: shared.options,
      entityDirs: [BASE_ENTITIES],
      pluginDirs: [] as string[],
      plugins: [HELLO_DIR],
    }
    const a = await startTestPlatform(opts)
    const b = await startTestPlatform(opts)
    try {
      const [ta, tb] = [await a.login(), await b.login()]
      const follow = () => (b.app.get('plugins') as { followStore(): Promise<string[]> }).followStore()
      expect((await b.http('GET', '/api/greetings', undefined, tb)).status).toBe(200)
      const events = async () =>
        ((await a.db.knex('hello_log').orderBy('id').select('event')) as Array<{ event: string }>).map(
          (r) => r.event,
        )

      expect((await a.http('PATCH', '/api/plugins/hello', { enabled: false }, ta)).status).toBe(200)
      // what the timer does (it may have done it already)
      await follow()
      expect((await b.http('GET', '/api/greetings', undefined, tb)).status).toBe(404)
      expect((await b.http('GET', '/api/plugins/hello', undefined, tb)).body).toMatchObject({
        enabled: false,
      })
      // nothing new to follow
      expect(await follow()).toEqual([])

      expect((await a.http('PATCH', '/api/plugins/hello', { enabled: true }, ta)).status).toBe(200)
      await follow()
      expect((await b.http('GET', '/api/greetings', undefined, tb)).status).toBe(200)
      expect((await b.http('POST', '/api/greetings', { text: 'from b' }, tb)).body).toMatchObject({
        text: 'FROM B',
      })
      // the lifecycle functions ran once each, on the instance that made the switch
      expect(await events()).toEqual(['install', 'enable', 'disable', 'enable'])
    } finally {
      await b.close()
      await a.close()
      await shared.drop()
    }
  })
})
