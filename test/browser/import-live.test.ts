/**
 * A list open in the admin UI hears a large import: above 1,000 records the server sends one
 * `imported` event instead of one event per record, and the open list of that entity loads again
 * once (core/src/service/bulk.ts, admin-ui useRealtime / EntityList).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { run, upload } from '../import/helpers.js'
import { ensureAdminBuilt, launch, login } from './browser.js'

const ROWS = 1200

describe('a list and a large import', () => {
  let p: TestPlatform
  let browser: Browser
  const pageErrors: string[] = []

  beforeAll(async () => {
    ensureAdminBuilt()
    p = await startTestPlatform()
    browser = await launch()
  })
  afterAll(async () => {
    await browser?.close()
    await p?.close()
  })

  it(`the customers list open in a page loads again once after an import of ${ROWS} customers through the API`, async () => {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' })
    const page = await ctx.newPage()
    page.setDefaultTimeout(120_000)
    page.on('pageerror', (err) => pageErrors.push(String(err)))
    await login(page, p.url, p.adminEmail, p.adminPassword)
    await page.goto(`${p.url}/admin/e/customers`)
    await page.waitForSelector('[data-test="list-customer"] [data-test="list-total"]')
    // the list's own loads of customers from now on
    const loads: string[] = []
    page.on('request', (req) => {
      const url = new URL(req.url())
      if (req.method() === 'GET' && url.pathname === '/api/customers') loads.push(url.search)
    })

    const token = await p.login()
    const lines = ['code,name,email']
    for (let i = 1; i <= ROWS; i++) lines.push(`L-${i},Live ${i},l${i}@example.com`)
    const up = await upload(p, token, 'customer', lines.join('\n'))
    expect(up.status).toBe(201)
    const done = await run(p, token, up.body.id, 'commit')
    expect([done.status, done.created, done.errorCount]).toEqual(['done', ROWS, 0])

    await page.waitForSelector(`[data-test="list-total"]:has-text("${ROWS.toLocaleString('en-US')}")`)
    await page.waitForSelector('[data-test="list-table"] >> text=/^L-\\d+$/')
    // a later single create: its event reaches the list after the import's, and loads it once more
    const one = await p.http('POST', '/api/customers', { code: 'L-X', name: 'After the import' }, token)
    expect(one.status).toBe(201)
    await page.waitForSelector(`[data-test="list-total"]:has-text("${(ROWS + 1).toLocaleString('en-US')}")`)
    // one load for the import, one for the single create: no load per imported record
    expect(loads).toHaveLength(2)
    expect(pageErrors).toEqual([])
    await ctx.close()
  })
})
