/**
 * A plugin owns its domain: switching any built-in plugin off through `PATCH /api/plugins/:name`
 * takes away every route it contributed — its entity services, actions and custom services answer
 * 404 and leave `/api/openapi.json` and `/api/meta`, its dashboard cards are no longer listed — and switching it on again serves the
 * records written before. Plugins that depend on it are switched off first and on again after,
 * as the admin service requires.
 */
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SampleRecords, startTestPlatform, type TestPlatform } from '@plume/core/testing'

interface Info {
  name: string
  enabled: boolean
  dependsOn: string[]
  entities: string[]
  actions: Array<{ entity: string; name: string; path: string }>
  services: string[]
}
interface Meta {
  entities: Array<{ name: string }>
  actions: Record<string, Array<{ plugin: string }>>
  dashboard: Array<{ id: string; entity?: string }>
  plugins: string[]
}

/** The ids of the dashboard cards a built-in plugin ships (`plugins/<name>/admin/cards.json`). */
function cardsOf(name: string): string[] {
  const file = fileURLToPath(new URL(`../../plugins/${name}/admin/cards.json`, import.meta.url))
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Array<{ id: string }>).map((c) => c.id) : []
}

let p: TestPlatform
let token: string
let plugins: Info[]

beforeAll(async () => {
  p = await startTestPlatform()
  token = await p.login()
  plugins = (await p.http('GET', '/api/plugins', undefined, token)).body as Info[]
}, 600_000)
afterAll(async () => p?.close())

const plural = (entity: string) => p.entities.get(entity)!.plural
const url = (path: string) => '/' + path.replace(/^\/+/, '').replace(':id', '1')

/** The plugins that depend on `name`, directly or not, in dependency order. */
function dependants(name: string): string[] {
  const out = new Set<string>()
  for (const q of plugins) if (q.dependsOn.some((d) => d === name || out.has(d))) out.add(q.name)
  return plugins.map((q) => q.name).filter((n) => out.has(n))
}

async function switchPlugin(name: string, enabled: boolean): Promise<void> {
  const r = await p.http('PATCH', `/api/plugins/${name}`, { enabled }, token)
  expect([r.status, r.body?.enabled], `${enabled ? 'enable' : 'disable'} ${name}: ${JSON.stringify(r.body)}`).toEqual([200, enabled])
}

async function served() {
  const doc = (await p.http('GET', '/api/openapi.json')).body as { paths: Record<string, unknown> }
  const meta = (await p.http('GET', '/api/meta', undefined, token)).body as Meta
  return { paths: new Set(Object.keys(doc.paths)), meta }
}

describe('a disabled plugin takes everything it contributed along', () => {
  it('covers every built-in plugin', () => {
    expect(plugins.map((q) => q.name).sort()).toEqual(['commissions', 'crm', 'finance', 'inventory', 'marketing', 'notifications', 'orders', 'partners', 'reporting', 'risk', 'service'])
    expect(plugins.every((q) => q.enabled)).toBe(true)
  })

  it.each(['inventory', 'partners', 'crm', 'orders', 'finance', 'commissions', 'marketing', 'notifications', 'reporting', 'risk', 'service'])(
    '%s: routes, OpenAPI and meta go while it is off; its records serve again once it is back',
    async (name) => {
      const info = plugins.find((q) => q.name === name)!
      const samples = new SampleRecords(p, token)
      // records written while it is on: one per entity it owns that a sample can be made of
      const written: Array<{ entity: string; id: unknown }> = []
      for (const entity of info.entities) {
        const made = await samples.create(entity).catch(() => undefined)
        if (made) written.push({ entity, id: made.id })
      }
      // and how many records each of its entities holds (entities a generic sample cannot be made of too)
      const totals = async () => {
        const out: Record<string, unknown> = {}
        for (const entity of info.entities) out[entity] = (await p.http('GET', `/api/${plural(entity)}?$limit=0`, undefined, token)).body?.total
        return out
      }
      const counted = await totals()
      const before = await served()
      for (const entity of info.entities) expect(before.paths.has(`/api/${plural(entity)}`), entity).toBe(true)
      const cards = cardsOf(name)
      expect(before.meta.dashboard.map((c) => c.id)).toEqual(expect.arrayContaining(cards))

      const chain = dependants(name)
      for (const d of [...chain].reverse()) await switchPlugin(d, false)
      await switchPlugin(name, false)
      try {
        for (const entity of info.entities) {
          expect((await p.http('GET', `/api/${plural(entity)}`, undefined, token)).status, `GET /api/${plural(entity)}`).toBe(404)
        }
        for (const a of info.actions) expect((await p.http('POST', url(a.path), {}, token)).status, a.path).toBe(404)
        for (const s of info.services) {
          for (const verb of ['GET', 'POST']) expect((await p.http(verb, url(s), verb === 'POST' ? {} : undefined, token)).status, `${verb} ${s}`).toBe(404)
        }
        const off = await served()
        const paths = [...off.paths]
        for (const entity of info.entities) {
          expect(paths.filter((x) => x === `/api/${plural(entity)}` || x.startsWith(`/api/${plural(entity)}/`)), entity).toEqual([])
          expect(off.meta.entities.map((e) => e.name)).not.toContain(entity)
          expect(off.meta.dashboard.filter((c) => c.entity === entity), `dashboard cards of ${entity}`).toEqual([])
        }
        for (const s of info.services) expect(paths.filter((x) => x === url(s).replace('/1', '/{id}') || x === url(s)), s).toEqual([])
        expect(Object.values(off.meta.actions).flat().filter((a) => a.plugin === name)).toEqual([])
        expect(off.meta.dashboard.filter((c) => cards.includes(c.id)), 'its dashboard cards').toEqual([])
        expect(off.meta.plugins, 'its admin screens (the UI shows those of enabled plugins)').not.toContain(name)
      } finally {
        await switchPlugin(name, true)
        for (const d of chain) await switchPlugin(d, true)
      }

      const back = await served()
      for (const entity of info.entities) {
        expect(back.paths.has(`/api/${plural(entity)}`), entity).toBe(true)
        expect(back.meta.entities.map((e) => e.name)).toContain(entity)
      }
      expect(await totals()).toEqual(counted)
      expect(back.meta.dashboard.map((c) => c.id)).toEqual(expect.arrayContaining(cards))
      expect(back.meta.plugins).toContain(name)
      for (const { entity, id } of written) {
        const r = await p.http('GET', `/api/${plural(entity)}/${String(id)}`, undefined, token)
        expect([r.status, r.body?.id], `${entity} ${String(id)}`).toEqual([200, id])
      }
    },
    600_000,
  )

  it('service owns its tickets: /api/tickets goes with it', async () => {
    const info = plugins.find((q) => q.name === 'service')!
    expect(info.entities).toEqual(expect.arrayContaining(['ticket', 'ticketMessage', 'slaPolicy']))
  })
})
