import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { startTestPlatform, testDatabase } from '@plume/core/testing'

/**
 * Rules that name a plugin's custom services (`stockReceipts`, `ar`, …) are stored once; after a
 * restart they must apply again as soon as those services are mounted — not stay left out
 * (which, failing closed, would lock the plugin's users out until the next rule change).
 */
describe('plugin permission rules across a restart', () => {
  it('a warehouse user may still record a stock receipt after the platform restarts', async () => {
    const shared = await testDatabase()
    const dir = mkdtempSync(join(tmpdir(), 'plume-rules-'))
    const database = shared.kind === 'postgres' ? shared.options : { dataDir: dir }
    const user = { email: 'wh@test.local', password: 'Warehouse-Secret-1' }
    try {
      const a = await startTestPlatform({ database })
      await a.app
        .service('api/users')
        .create({ ...user, name: 'Warehouse', roles: ['warehouse'], locale: 'en', active: true })
      const k = a.db.knex
      const [wh] = (await k('warehouses')
        .insert({ code: 'WH-R', name: 'Restart' })
        .returning('id')) as Array<{ id: number }>
      const [cat] = (await k('product_categories')
        .insert({ code: 'CAT-R', name: 'Restart' })
        .returning('id')) as Array<{ id: number }>
      const [pr] = (await k('products')
        .insert({ sku: 'SKU-R', name: 'Restart', categoryId: cat!.id, listPrice: '1.00' })
        .returning('id')) as Array<{ id: number }>
      const receipt = { productId: pr!.id, warehouseId: wh!.id, quantity: 3 }
      const before = await a.http(
        'POST',
        '/api/stock-receipts',
        receipt,
        await a.login(user.email, user.password),
      )
      expect(before.status).toBe(201)
      // an admin switches finance off (the plugins depending on it first — notifications depends
      // on risk): its stored rules (invoices, `ar` …) wait for it
      for (const name of ['commissions', 'notifications', 'risk', 'finance'])
        await a.app.service('api/plugins').patch(name, { enabled: false })
      await a.close()

      // the restart warns of no rule left out: rules are checked once every plugin is mounted,
      // and those of the disabled plugin are not errors
      const lines: Array<{ level: number; msg: string }> = []
      const sink = new Writable({
        write: (chunk: Buffer, _enc, done) => (
          lines.push(
            ...chunk
              .toString()
              .trim()
              .split('\n')
              .map((l) => JSON.parse(l) as { level: number; msg: string }),
          ),
          done()
        ),
      })
      const b = await startTestPlatform({ database, logger: pino({ level: 'debug' }, sink) })
      try {
        expect(lines.filter((l) => l.level >= 40 && /left out/.test(l.msg)).map((l) => l.msg)).toEqual([])
        expect(
          lines.some(
            (l) => /waits for its plugin/.test(l.msg) && (l as { plugin?: string }).plugin === 'finance',
          ),
        ).toBe(true)
        const after = await b.http(
          'POST',
          '/api/stock-receipts',
          receipt,
          await b.login(user.email, user.password),
        )
        expect(after.status, JSON.stringify(after.body)).toBe(201)
        // and the rule still only grants what it says: warehouse staff cannot read audit records
        expect(
          (await b.http('GET', '/api/audit', undefined, await b.login(user.email, user.password))).status,
        ).toBe(403)
      } finally {
        await b.close()
      }
    } finally {
      await shared.drop()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
