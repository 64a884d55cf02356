/**
 * Strict rule validation (#22): a permission or alert rule naming an unknown entity, action or
 * field is refused with the closest known name — at load (the plugin stays disabled with that
 * message, the host keeps serving) and at save (400 naming the field path). Every built-in
 * plugin's rules still load.
 */
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PluginDefinition } from '@plume/core'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'

const LOYALTY_DIR = fileURLToPath(new URL('../fixtures/plugins/loyalty-plugin', import.meta.url))

/** A plugin on top of the loyalty example that ships one (mistyped) rule. */
const shipping = (name: string, rules: Pick<PluginDefinition, 'rules' | 'alerts'>): PluginDefinition => ({
  name,
  version: '1.0.0',
  dependsOn: ['loyalty'],
  entities: [],
  ...rules,
})
const grant = (over: Record<string, unknown>) => ({
  name: 'loyalty-typo',
  effect: 'allow',
  entities: ['loyaltyAccount'],
  actions: ['find'],
  conditions: { all: [] },
  ...over,
})
const pointsAlert = (path: string) => ({
  kind: 'alert',
  enabled: true,
  definition: {
    name: 'loyalty-typo-alert',
    trigger: { type: 'event', entity: 'loyaltyAccount', on: 'patched' },
    conditions: { all: [{ fact: 'record', path, operator: 'greaterThanInclusive', value: 1000 }] },
    actions: [{ type: 'notify', roles: ['admin'], title: 'points' }],
  },
})

let p: TestPlatform
let token: string
interface Info {
  name: string
  enabled: boolean
  error: string | null
}

beforeAll(async () => {
  p = await startTestPlatform({
    plugins: [
      LOYALTY_DIR,
      shipping('typo-action', { rules: [grant({ actions: ['find', 'loyalty-accounts:redem'] })] }),
      shipping('typo-entity', { rules: [grant({ entities: ['loyaltyAcount'] })] }),
      shipping('typo-field', { rules: [grant({ fields: { hidden: ['pionts'] } })] }),
      shipping('typo-alert', { alerts: [pointsAlert('$.pionts')] }),
    ],
  })
  token = await p.login()
}, 600_000)
afterAll(async () => {
  await p?.close()
})

const info = async (name: string): Promise<Info> => {
  const r = await p.http('GET', `/api/plugins/${name}`, undefined, token)
  expect(r.status).toBe(200)
  return r.body as Info
}

describe('at load', () => {
  it('every built-in plugin and the loyalty example load their rules and stay enabled', async () => {
    const r = await p.http('GET', '/api/plugins', undefined, token)
    const list = (r.body as Info[]).filter((x) => !x.name.startsWith('typo-'))
    expect(list.length).toBeGreaterThan(10)
    for (const x of list)
      expect({ name: x.name, enabled: x.enabled, error: x.error }).toEqual({
        name: x.name,
        enabled: true,
        error: null,
      })
  })

  it('a grant naming an unknown action keeps its plugin disabled, naming it and the closest action', async () => {
    const x = await info('typo-action')
    expect(x.enabled).toBe(false)
    expect(x.error).toContain('unknown action "redem" on loyalty-accounts; did you mean "redeem"?')
    expect((await p.http('GET', '/health')).status).toBe(200)
  })

  it('an unknown entity or field in a grant, or an unknown field in an alert, does the same', async () => {
    expect((await info('typo-entity')).error).toContain(
      'unknown entity "loyaltyAcount"; did you mean "loyaltyAccount"?',
    )
    expect((await info('typo-field')).error).toContain(
      'unknown field "pionts" of loyaltyAccount; did you mean "points"?',
    )
    const alert = await info('typo-alert')
    expect(alert.enabled).toBe(false)
    expect(alert.error).toContain('unknown field "pionts" of loyaltyAccount; did you mean "points"?')
  })

  it('the rules of the loyalty example were stored (grant and alert)', async () => {
    const rules = await p.http('GET', '/api/rules?name=loyalty-sales-read', undefined, token)
    expect(JSON.stringify(rules.body)).toContain('loyalty-accounts:redeem')
    const alerts = await p.http('GET', '/api/alert-rules', undefined, token)
    expect((alerts.body as Array<{ name: string }>).map((a) => a.name)).toContain('loyalty-points-over-1000')
  })
})

describe('at save', () => {
  const save = (definition: Record<string, unknown>) => p.http('POST', '/api/rules', { definition }, token)
  const errorsOf = (body: unknown) => (body as { errors: Array<{ path: string; message: string }> }).errors

  it.each([
    [
      { actions: ['fnd'] },
      '/definition/actions/0',
      'unknown action "fnd" on loyaltyAccount; did you mean "find"?',
    ],
    [{ actions: ['redem'] }, '/definition/actions/0', 'did you mean "loyalty-accounts:redeem"?'],
    [
      { actions: ['get', 'loyalty-accounts:redem'] },
      '/definition/actions/1',
      'unknown action "redem" on loyalty-accounts; did you mean "redeem"?',
    ],
    [{ actions: ['loyalty-acounts:redeem'] }, '/definition/actions/0', 'did you mean "loyalty-accounts"?'],
    [
      { entities: ['loyaltyAcount'] },
      '/definition/entities/0',
      'unknown entity "loyaltyAcount"; did you mean "loyaltyAccount"?',
    ],
    [
      { fields: { readOnly: ['pionts'] } },
      '/definition/fields/readOnly/0',
      'unknown field "pionts" of loyaltyAccount; did you mean "points"?',
    ],
  ])('a permission rule with %j → 400 at %s', async (over, path, message) => {
    const r = await save(grant({ name: 'typo-at-save', ...over }))
    expect(r.status, JSON.stringify(r.body)).toBe(400)
    expect(errorsOf(r.body)).toContainEqual({ path, message: expect.stringContaining(message) as string })
  })

  it('a correctly named action on the example is accepted', async () => {
    const r = await save(grant({ name: 'loyalty-redeem-ok', actions: ['loyalty-accounts:redeem'] }))
    expect(r.status, JSON.stringify(r.body)).toBe(201)
  })

  it('an alert rule reading an unknown field → 400 naming the path and the closest field', async () => {
    const r = await p.http('POST', '/api/alert-rules', pointsAlert('$.pionts'), token)
    expect(r.status).toBe(400)
    expect(errorsOf(r.body)).toContainEqual({
      path: '/definition/conditions/all/0/path',
      message: 'unknown field "pionts" of loyaltyAccount; did you mean "points"?',
    })
  })
})
