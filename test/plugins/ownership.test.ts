/**
 * A plugin owns its domain: switching any built-in plugin off through `PATCH /api/plugins/:name`
 * takes away every route it contributed — its entity services, actions and custom services answer
 * 404 and leave `/api/openapi.json` and `/api/meta`, its dashboard cards are no longer listed, its
 * alert rules are no longer run, its services send no realtime events (a socket.io call answers
 * NotFound) — and switching it on again serves the records written before, runs its rules and
 * sends its events again. Plugins that depend on it are switched off first (their routes and
 * reports go too) and on again after, as the admin service requires.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { io, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SampleRecords, startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { dependants, switchPlugin } from './switching.js'

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
  return existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Array<{ id: string }>).map((c) => c.id)
    : []
}

/** The names of the alert rules a built-in plugin ships enabled (`plugins/<name>/rules/alerts/*.json`). */
function alertRulesOf(name: string): string[] {
  const dir = fileURLToPath(new URL(`../../plugins/${name}/rules/alerts`, import.meta.url))
  if (!existsSync(dir)) return []
  type Entry = { enabled?: boolean; definition?: { name: string }; name?: string }
  return readdirSync(dir)
    .flatMap((f) => [JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')) as Entry | Entry[]].flat())
    .filter((r) => !r.definition || r.enabled !== false)
    .map((r) => (r.definition ?? r).name!)
}

let p: TestPlatform
let token: string
let plugins: Info[]
let socket: Socket
/** Ids of the records each service announced as `created` to the admin's socket. */
const announced = new Map<string, Set<unknown>>()
const waiting: Array<{ path: string; id: unknown; resolve: () => void }> = []

function call(method: string, path: string, ...args: unknown[]): Promise<unknown> {
  return new Promise((resolve, reject) =>
    socket.emit(method, path, ...args, (err: unknown, res: unknown) => (err ? reject(err) : resolve(res))),
  )
}

/** Listens to a service's `created` events (once per path). */
function listen(path: string): void {
  if (announced.has(path)) return
  announced.set(path, new Set())
  socket.on(`${path} created`, (r: { id?: unknown }) => {
    announced.get(path)!.add(r.id)
    for (const w of waiting.filter((x) => x.path === path && x.id === r.id)) w.resolve()
  })
}

/** Resolves once the service has announced the record (no time limit but the test's own). */
function announcedOnce(path: string, id: unknown): Promise<void> {
  if (announced.get(path)?.has(id)) return Promise.resolve()
  return new Promise((resolve) => waiting.push({ path, id, resolve }))
}

beforeAll(async () => {
  p = await startTestPlatform()
  token = await p.login()
  plugins = (await p.http('GET', '/api/plugins', undefined, token)).body as Info[]
  socket = io(p.url, { transports: ['websocket'], forceNew: true })
  await new Promise<void>((resolve, reject) =>
    socket.once('connect', () => resolve()).once('connect_error', reject),
  )
  await call('create', 'api/authentication', {
    strategy: 'local',
    email: p.adminEmail,
    password: p.adminPassword,
  })
}, 600_000)
afterAll(async () => {
  socket?.close()
  await p?.close()
})

const plural = (entity: string) => p.entities.get(entity)!.plural
const url = (path: string) => '/' + path.replace(/^\/+/, '').replace(':id', '1')

async function served() {
  const doc = (await p.http('GET', '/api/openapi.json')).body as { paths: Record<string, unknown> }
  const meta = (await p.http('GET', '/api/meta', undefined, token)).body as Meta
  return { paths: new Set(Object.keys(doc.paths)), meta }
}

describe('a disabled plugin takes everything it contributed along', () => {
  it('covers every built-in plugin', () => {
    expect(plugins.map((q) => q.name).sort()).toEqual([
      'commissions',
      'crm',
      'finance',
      'import',
      'inventory',
      'marketing',
      'notifications',
      'orders',
      'partners',
      'purchasing',
      'reporting',
      'risk',
      'service',
    ])
    expect(plugins.every((q) => q.enabled)).toBe(true)
  })

  it.each([
    'inventory',
    'partners',
    'crm',
    'orders',
    'finance',
    'commissions',
    'marketing',
    'notifications',
    'purchasing',
    'import',
    'reporting',
    'risk',
    'service',
  ])(
    '%s: routes, OpenAPI, meta, alert rules and realtime events go while it is off; its records serve again once it is back',
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
        for (const entity of info.entities)
          out[entity] = (await p.http('GET', `/api/${plural(entity)}?$limit=0`, undefined, token)).body?.total
        return out
      }
      // its alert rules run while it is on
      const rules = alertRulesOf(name)
      const engine = p.app.get('automation')!
      expect(engine.names).toEqual(expect.arrayContaining(rules))
      // a realtime event of one of its services, made from a sample record
      const live = written[0] && { entity: written[0].entity, path: `api/${plural(written[0].entity)}` }
      if (live) {
        listen(live.path)
        const made = await samples.create(live.entity)
        await announcedOnce(live.path, made.id)
      }
      const counted = await totals()
      const before = await served()
      for (const entity of info.entities)
        expect(before.paths.has(`/api/${plural(entity)}`), entity).toBe(true)
      const cards = cardsOf(name)
      expect(before.meta.dashboard.map((c) => c.id)).toEqual(expect.arrayContaining(cards))

      const chain = dependants(plugins, name)
      for (const d of [...chain].reverse()) await switchPlugin(p, token, d, false)
      await switchPlugin(p, token, name, false)
      try {
        for (const entity of info.entities) {
          expect(
            (await p.http('GET', `/api/${plural(entity)}`, undefined, token)).status,
            `GET /api/${plural(entity)}`,
          ).toBe(404)
        }
        for (const a of info.actions)
          expect((await p.http('POST', url(a.path), {}, token)).status, a.path).toBe(404)
        for (const s of info.services) {
          for (const verb of ['GET', 'POST'])
            expect(
              (await p.http(verb, url(s), verb === 'POST' ? {} : undefined, token)).status,
              `${verb} ${s}`,
            ).toBe(404)
        }
        const off = await served()
        const paths = [...off.paths]
        for (const entity of info.entities) {
          expect(
            paths.filter((x) => x === `/api/${plural(entity)}` || x.startsWith(`/api/${plural(entity)}/`)),
            entity,
          ).toEqual([])
          expect(off.meta.entities.map((e) => e.name)).not.toContain(entity)
          expect(
            off.meta.dashboard.filter((c) => c.entity === entity),
            `dashboard cards of ${entity}`,
          ).toEqual([])
        }
        for (const s of info.services)
          expect(
            paths.filter((x) => x === url(s).replace('/1', '/{id}') || x === url(s)),
            s,
          ).toEqual([])
        expect(
          Object.values(off.meta.actions)
            .flat()
            .filter((a) => a.plugin === name),
        ).toEqual([])
        expect(
          off.meta.dashboard.filter((c) => cards.includes(c.id)),
          'its dashboard cards',
        ).toEqual([])
        expect(
          engine.names.filter((n) => rules.includes(n)),
          'its alert rules',
        ).toEqual([])
        if (live)
          await expect(call('find', live.path, {}), `socket find ${live.path}`).rejects.toMatchObject({
            name: 'NotFound',
          })
        // the plugins depending on it are off too: their routes and reports (reporting's services) go with them
        for (const d of chain) {
          const di = plugins.find((q) => q.name === d)!
          for (const entity of di.entities)
            expect(
              paths.filter((x) => x === `/api/${plural(entity)}`),
              `${d}: ${entity}`,
            ).toEqual([])
          for (const s of di.services)
            expect((await p.http('GET', url(s), undefined, token)).status, `${d}: GET ${s}`).toBe(404)
        }
        expect(off.meta.plugins, 'its admin screens (the UI shows those of enabled plugins)').not.toContain(
          name,
        )
      } finally {
        await switchPlugin(p, token, name, true)
        for (const d of chain) await switchPlugin(p, token, d, true)
      }

      const back = await served()
      for (const entity of info.entities) {
        expect(back.paths.has(`/api/${plural(entity)}`), entity).toBe(true)
        expect(back.meta.entities.map((e) => e.name)).toContain(entity)
      }
      expect(await totals()).toEqual(counted)
      expect(engine.names).toEqual(expect.arrayContaining(rules))
      if (live) {
        const made = await samples.create(live.entity)
        await announcedOnce(live.path, made.id)
      }
      expect(back.meta.dashboard.map((c) => c.id)).toEqual(expect.arrayContaining(cards))
      expect(back.meta.plugins).toContain(name)
      for (const { entity, id } of written) {
        const r = await p.http('GET', `/api/${plural(entity)}/${String(id)}`, undefined, token)
        expect([r.status, r.body?.id], `${entity} ${String(id)}`).toEqual([200, id])
      }
    },
    600_000,
  )

  it('each plugin owns the entities of its domain; the core keeps users, API keys and the partner (the tenant)', () => {
    const owned = Object.fromEntries(plugins.map((q) => [q.name, [...q.entities].sort()]))
    expect(owned).toMatchObject({
      inventory: [
        'priceList',
        'priceListItem',
        'product',
        'productCategory',
        'stockLevel',
        'stockMovement',
        'warehouse',
      ],
      partners: ['partnerTier', 'territory'],
      crm: ['activity', 'contact', 'customer', 'segment'],
      orders: ['order', 'orderLine'],
      marketing: ['campaign', 'promotion', 'promotionRedemption'],
    })
    for (const core of ['user', 'apiKey', 'partner'])
      expect(
        plugins.filter((q) => q.entities.includes(core)),
        core,
      ).toEqual([])
  })

  it('service owns its tickets: /api/tickets goes with it', async () => {
    const info = plugins.find((q) => q.name === 'service')!
    expect(info.entities).toEqual(expect.arrayContaining(['ticket', 'ticketMessage', 'slaPolicy']))
  })
})
