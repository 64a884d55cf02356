/**
 * A plugin owns the grants on its domain: the core's default rules (`metadata/rules/permissions`)
 * name only core entities and services, every grant on a plugin's entities sits in that plugin's
 * `rules/grants.json` and names nothing another plugin owns. Switching crm, orders or inventory
 * off takes their grants out of the permission engine (`api/permissions/explain` matches none of
 * them); switching it on again restores them. A plugin switched off no longer takes another
 * plugin's or the core's grants along (a sales manager still reads products with marketing off).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadPlugins, readRuleFiles } from '@plume/core/internal'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { dependants, switchPlugin } from './switching.js'

type Loaded = Awaited<ReturnType<typeof loadPlugins>>
interface Rule {
  name: string
  entities: string[]
}
interface Explanation {
  allowed: boolean
  matched: Array<{ rule: string }>
}

const camel = (s: string) => s.replace(/[-_/]+([a-z0-9])/g, (_m, c: string) => c.toUpperCase())
/** What a plugin owns, as rule `entities` names: its entities and its custom services (`api/ar-statements` → `arStatements`). */
const ownedBy = (p: Loaded[number]): Set<string> =>
  new Set([...p.owns, ...Object.keys(p.def.services ?? {}).map((path) => camel(path.replace(/^api\//, '')))])

let plugins: Loaded
let p: TestPlatform
let token: string
const users: Record<string, number> = {}
const PASSWORD = 'Grants-Secret-123'

beforeAll(async () => {
  plugins = await loadPlugins({})
  p = await startTestPlatform()
  token = await p.login()
  for (const role of ['sales_rep', 'sales_manager', 'warehouse', 'finance']) {
    const r = await p.http(
      'POST',
      '/api/users',
      { email: `${role}@grants.test`, name: role, password: PASSWORD, roles: [role], active: true },
      token,
    )
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    users[role] = r.body.id as number
  }
}, 600_000)
afterAll(async () => {
  await p?.close()
})

async function explain(
  role: string,
  entity: string,
  action: string,
): Promise<{ allowed: boolean; rules: string[] }> {
  const r = await p.http(
    'GET',
    `/api/permissions/explain?userId=${users[role]}&entity=${entity}&action=${encodeURIComponent(action)}`,
    undefined,
    token,
  )
  expect(r.status, JSON.stringify(r.body)).toBe(200)
  const body = r.body as Explanation
  return { allowed: body.allowed, rules: body.matched.map((m) => m.rule).sort() }
}

describe('grants live with the plugin that owns the entity', () => {
  it("the core's default rules name no entity or service a plugin owns", () => {
    const owner = new Map<string, string>()
    for (const q of plugins) for (const e of ownedBy(q)) owner.set(e, q.name)
    const misplaced = readRuleFiles().flatMap((f) =>
      (f.rules as Rule[]).flatMap((r) =>
        r.entities
          .filter((e) => owner.has(e))
          .map((e) => `${f.source}: ${r.name} names ${e} (${owner.get(e)})`),
      ),
    )
    expect(misplaced).toEqual([])
  })

  it("a plugin's grants name only what it owns, or the core's entities and services", () => {
    const owner = new Map<string, string>()
    for (const q of plugins) for (const e of ownedBy(q)) owner.set(e, q.name)
    const foreign = plugins.flatMap((q) =>
      (q.grants as Rule[]).flatMap((r) =>
        r.entities
          .filter((e) => owner.has(e) && owner.get(e) !== q.name)
          .map((e) => `${q.name}: ${r.name} names ${e} (${owner.get(e)})`),
      ),
    )
    expect(foreign).toEqual([])
  })

  it.each([
    ['crm', 'sales_rep', 'customer', 'find', ['sales-rep-own-customers']],
    ['orders', 'warehouse', 'order', 'orders:ship', ['warehouse-ship']],
    ['inventory', 'sales_manager', 'product', 'find', ['sales-manager-read-catalog']],
  ] as const)(
    'switching %s off takes its grants away; switching it on restores them',
    async (plugin, role, entity, action, rules) => {
      const owned = new Set(plugins.find((q) => q.name === plugin)!.grants.map((r) => (r as Rule).name))
      expect(
        rules.every((r) => owned.has(r)),
        'the grants come from the plugin',
      ).toBe(true)
      expect(await explain(role, entity, action)).toEqual({ allowed: true, rules: [...rules] })
      // the core's grants stay: finance and sales managers read partners whatever is switched off
      const core = await explain('finance', 'partner', 'find')
      expect(core).toEqual({ allowed: true, rules: ['finance-read'] })
      const chain = dependants(plugins, plugin)
      for (const d of [...chain].reverse()) await switchPlugin(p, token, d, false)
      await switchPlugin(p, token, plugin, false)
      try {
        expect(await explain(role, entity, action)).toEqual({ allowed: false, rules: [] })
        expect(await explain('finance', 'partner', 'find')).toEqual(core)
      } finally {
        await switchPlugin(p, token, plugin, true)
        for (const d of chain) await switchPlugin(p, token, d, true)
      }
      expect(await explain(role, entity, action)).toEqual({ allowed: true, rules: [...rules] })
    },
    600_000,
  )

  it('a plugin switched off takes none of the grants of the others: sales managers read products with marketing off', async () => {
    expect(dependants(plugins, 'marketing')).toEqual([])
    const before = await explain('sales_manager', 'campaign', 'find')
    expect(before.allowed).toBe(true)
    await switchPlugin(p, token, 'marketing', false)
    try {
      expect(await explain('sales_manager', 'campaign', 'find')).toEqual({ allowed: false, rules: [] })
      expect(await explain('sales_manager', 'product', 'find')).toEqual({
        allowed: true,
        rules: ['sales-manager-read-catalog'],
      })
      expect(await explain('sales_manager', 'partner', 'find')).toEqual({
        allowed: true,
        rules: ['sales-manager-read'],
      })
      const u = await p.login('sales_manager@grants.test', PASSWORD)
      expect((await p.http('GET', '/api/products', undefined, u)).status).toBe(200)
    } finally {
      await switchPlugin(p, token, 'marketing', true)
    }
    expect(await explain('sales_manager', 'campaign', 'find')).toEqual(before)
  }, 600_000)
})
