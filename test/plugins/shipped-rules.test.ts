/**
 * Rules as data follow the plugin's upgrades (#22): the loyalty example ships a grant and an
 * alert; version 1.1.0 changes both. On the same database, the grant nobody edited is upgraded
 * (new version, history "upgrade"); the alert an admin edited keeps the admin's version and is
 * reported as a conflict (`ruleConflicts` of `GET /api/plugins/loyalty`).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import type { PluginDefinition } from '@plume/core'
import { startTestPlatform, testDatabase, type TestPlatform } from '@plume/core/testing'
import loyalty from '../fixtures/plugins/loyalty-plugin/src/plugin.js'

const grant = (actions: string[]) => ({
  name: 'loyalty-sales-read',
  effect: 'allow',
  entities: ['loyaltyAccount'],
  actions,
  conditions: { any: [{ fact: 'user', path: '$.roles', operator: 'contains', value: 'sales_rep' }] },
})
const alert = (threshold: number) => ({
  kind: 'alert',
  enabled: true,
  definition: {
    name: 'loyalty-points-over-1000',
    trigger: { type: 'event', entity: 'loyaltyAccount', on: 'patched' },
    conditions: {
      all: [{ fact: 'record', path: '$.points', operator: 'greaterThanInclusive', value: threshold }],
    },
    actions: [
      { type: 'notify', roles: ['admin'], title: 'Account {{record.number}} has {{record.points}} points' },
    ],
  },
})
const version = (v: string, actions: string[], threshold: number): PluginDefinition => ({
  ...(loyalty as PluginDefinition),
  version: v,
  rules: [grant(actions)],
  alerts: [alert(threshold)],
})

interface Stored {
  id: number
  name: string
  version: number
  definition: { actions?: string[]; conditions: { all?: Array<{ value: unknown }> } }
}

it('an upgrade applies the changed shipped rules, keeping an admin’s edit (reported)', async () => {
  const shared = await testDatabase()
  const dir = mkdtempSync(join(tmpdir(), 'plume-shipped-'))
  const database = shared.kind === 'postgres' ? shared.options : { dataDir: dir }
  const start = (def: PluginDefinition) => startTestPlatform({ database, plugins: [def] })
  const rule = async (p: TestPlatform, token: string, path: string, name: string) => {
    const r = await p.http('GET', `${path}?name=${name}`, undefined, token)
    return (r.body as Stored[]).find((x) => x.name === name)!
  }
  let p = await start(version('1.0.0', ['find', 'get'], 1000))
  try {
    let token = await p.login()
    const a = await rule(p, token, '/api/alert-rules', 'loyalty-points-over-1000')
    // an admin raises the alert's threshold
    const edited = {
      ...a.definition,
      conditions: { all: [{ ...a.definition.conditions.all![0], value: 2000 }] },
    }
    const patched = await p.http(
      'PATCH',
      `/api/alert-rules/${a.id}`,
      { definition: edited, version: a.version },
      token,
    )
    expect(patched.status, JSON.stringify(patched.body)).toBe(200)
    await p.close()

    p = await start(version('1.1.0', ['find', 'get', 'loyalty-accounts:redeem'], 500))
    token = await p.login()
    const g = await rule(p, token, '/api/rules', 'loyalty-sales-read')
    expect(g.definition.actions).toEqual(['find', 'get', 'loyalty-accounts:redeem'])
    expect(g.version).toBe(2)
    const history = await p.http('GET', `/api/rules/${g.id}/versions`, undefined, token)
    expect(JSON.stringify(history.body)).toContain('upgrade')
    const kept = await rule(p, token, '/api/alert-rules', 'loyalty-points-over-1000')
    expect(kept.definition.conditions.all![0]!.value).toBe(2000)
    const info = await p.http('GET', '/api/plugins/loyalty', undefined, token)
    expect(info.body).toMatchObject({
      installedVersion: '1.1.0',
      enabled: true,
      ruleConflicts: ['loyalty-points-over-1000'],
    })
    await p.close()

    // the same version again: nothing changes; the conflict is still reported
    p = await start(version('1.1.0', ['find', 'get', 'loyalty-accounts:redeem'], 500))
    token = await p.login()
    expect((await rule(p, token, '/api/rules', 'loyalty-sales-read')).version).toBe(2)
    const again = await p.http('GET', '/api/plugins/loyalty', undefined, token)
    expect(again.body).toMatchObject({ ruleConflicts: ['loyalty-points-over-1000'] })
  } finally {
    await p.close()
    await shared.drop()
    rmSync(dir, { recursive: true, force: true })
  }
}, 600_000)
