/**
 * Rules stored before grants moved per plugin name entities of several plugins in one rule (an old
 * database's `"entities": ["contact", "invoice"]`). Each plugin's part of such a rule goes and comes
 * with that plugin: switching finance off takes the grant on invoices away and leaves the same rule's
 * grant on contacts (crm) in force; switching it on again restores the whole rule.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { dependants, switchPlugin, type Switchable } from '../plugins/switching.js'

const PASSWORD = 'Mixed-Grants-Secret-1'
let p: TestPlatform
let token: string
let reader: string

beforeAll(async () => {
  p = await startTestPlatform()
  token = await p.login()
  const user = await p.http(
    'POST',
    '/api/users',
    { email: 'mixed@grants.test', name: 'Mixed', password: PASSWORD, roles: ['warehouse'], active: true },
    token,
  )
  expect(user.status, JSON.stringify(user.body)).toBe(201)
  reader = await p.login('mixed@grants.test', PASSWORD)
  // without the old rule, warehouse staff read neither contacts nor invoices
  expect([await status('/api/contacts'), await status('/api/invoices')]).toEqual([403, 403])
  const rule = await p.http(
    'POST',
    '/api/rules',
    {
      definition: {
        name: 'old-mixed-reader',
        description: 'An old rule: one grant over two plugins',
        effect: 'allow',
        entities: ['contact', 'invoice'],
        actions: ['find', 'get'],
        conditions: { all: [{ fact: 'user', path: '$.roles', operator: 'contains', value: 'warehouse' }] },
      },
    },
    token,
  )
  expect(rule.status, JSON.stringify(rule.body)).toBe(201)
}, 600_000)
afterAll(async () => {
  await p?.close()
})

const status = async (path: string) => (await p.http('GET', path, undefined, reader)).status

describe("an old rule mixing two plugins' entities", () => {
  it('loses only the part of the plugin switched off, and gets it back when it is on again', async () => {
    expect([await status('/api/contacts'), await status('/api/invoices')]).toEqual([200, 200])
    const plugins = (await p.http('GET', '/api/plugins', undefined, token)).body as Switchable[]
    const chain = dependants(plugins, 'finance')
    for (const d of [...chain].reverse()) await switchPlugin(p, token, d, false)
    await switchPlugin(p, token, 'finance', false)
    try {
      // crm's part of the rule stays in force; finance's part waits (its route is gone too)
      expect(await status('/api/contacts')).toBe(200)
      expect(await status('/api/invoices')).toBe(404)
    } finally {
      await switchPlugin(p, token, 'finance', true)
      for (const d of chain) await switchPlugin(p, token, d, true)
    }
    expect([await status('/api/contacts'), await status('/api/invoices')]).toEqual([200, 200])
  })
})
