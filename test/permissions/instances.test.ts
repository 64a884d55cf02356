import { describe, expect, it } from 'vitest'
import { builtInEntityDirs, builtInGrants, startTestPlatform, testDatabase } from '@plume/core/testing'

const role = (r: string) => ({ fact: 'user', path: '$.roles', operator: 'contains', value: r })

/**
 * Two instances on one database (PostgreSQL): a rule changed through one of them is enforced by
 * the other after its next sync (every PLUME_RULES_SYNC_MS), not only after a restart.
 */
describe('permission rules across instances', () => {
  it('a deny rule added on one instance is enforced by the other, and lifted again', async ({ skip }) => {
    const shared = await testDatabase()
    if (shared.kind !== 'postgres') return skip()
    const opts = {
      database: shared.options,
      pluginDirs: [] as string[],
      entityDirs: builtInEntityDirs(),
      plugins: [builtInGrants()],
    }
    const a = await startTestPlatform(opts)
    const b = await startTestPlatform(opts)
    try {
      const admin = await a.login()
      const user = { email: 'mgr@test.local', password: 'Manager-Secret-1' }
      expect(
        (
          await a.http(
            'POST',
            '/api/users',
            { ...user, name: 'Manager', roles: ['sales_manager'], locale: 'en' },
            admin,
          )
        ).status,
      ).toBe(201)
      const onB = await b.login(user.email, user.password)
      const sync = b.app.get('permissionSync') as { check(): Promise<boolean> }
      expect((await b.http('GET', '/api/customers', undefined, onB)).status).toBe(200)

      const rule = await a.http(
        'POST',
        '/api/rules',
        {
          definition: {
            name: 'deny-managers-customers',
            effect: 'deny',
            entities: ['customer'],
            actions: ['find'],
            conditions: { all: [role('sales_manager')] },
          },
        },
        admin,
      )
      expect(rule.status).toBe(201)
      expect(
        (await a.http('GET', '/api/customers', undefined, await a.login(user.email, user.password))).status,
      ).toBe(403)
      // what the timer does every PLUME_RULES_SYNC_MS (it may have done it already)
      await sync.check()
      expect((await b.http('GET', '/api/customers', undefined, onB)).status).toBe(403)
      // nothing changed since: no reload
      expect(await sync.check()).toBe(false)

      expect((await a.http('PATCH', `/api/rules/${rule.body.id}`, { enabled: false }, admin)).status).toBe(
        200,
      )
      await sync.check()
      expect((await b.http('GET', '/api/customers', undefined, onB)).status).toBe(200)
    } finally {
      await b.close()
      await a.close()
      await shared.drop()
    }
  })
})
