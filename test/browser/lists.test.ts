/**
 * Generic lists in Chromium: relation columns show titles (list and CSV export), filters, sort
 * and page live in the URL (reload and back button), saved views are stored on the server and a
 * view shared with a role reaches another user of that role only; at 390 px a list is a card
 * list and nothing scrolls sideways; in Chinese the list chrome shows no English.
 * Screenshots: artifacts/screenshots/lists-*.png.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { buildScenario, type Scenario } from '../reporting/fixtures.js'
import { ensureAdminBuilt, launch, login, shot } from './browser.js'

type Row = Record<string, unknown>
const PASSWORD = 'List-Secret-123'

describe('lists', () => {
  let p: TestPlatform
  let s: Scenario
  let browser: Browser
  let page: Page
  let token: string
  const errors: string[] = []

  const newUser = async (key: string, roles: string[]) => {
    const r = await p.http(
      'POST',
      '/api/users',
      { email: `${key}@lists.test`, name: key, password: PASSWORD, roles, locale: 'en' },
      token,
    )
    expect(r.status, JSON.stringify(r.body)).toBe(201)
  }
  const rowsShown = () => page.locator('[data-test="list-table"] .el-table__body tr').count()
  const firstNumber = () =>
    page
      .locator('[data-test="list-table"] .el-table__body tr')
      .first()
      .locator('[data-test="row-link"]')
      .innerText()

  beforeAll(async () => {
    ensureAdminBuilt()
    p = await startTestPlatform()
    token = await p.login()
    s = await buildScenario(p, 'LB')
    await newUser('rep1', ['sales_rep'])
    await newUser('rep2', ['sales_rep'])
    await newUser('wh1', ['warehouse'])
    browser = await launch()
    const ctx = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      locale: 'en-US',
      acceptDownloads: true,
    })
    page = await ctx.newPage()
    page.on('pageerror', (err) => errors.push(String(err)))
    await login(page, p.url, p.adminEmail, p.adminPassword)
  }, 600_000)
  afterAll(async () => {
    await browser?.close()
    await p?.close()
  })

  it('relation columns show titles, in the list and in the CSV export', async () => {
    await page.goto(`${p.url}/admin/e/orders`)
    await page.waitForSelector('[data-test="list-table"] [data-test="row-link"]')
    const table = page.locator('[data-test="list-table"] .el-table__body')
    await expect
      .poll(() => table.innerText(), { timeout: 10_000 })
      .toMatch(new RegExp(s.customers.map((c) => c.name).join('|')))
    await expect.poll(() => table.innerText(), { timeout: 10_000 }).not.toMatch(/#\d+/)
    await page.click('[data-test="export-button"]')
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-test="export-csv"]').locator('visible=true').click(),
    ])
    const lines = readFileSync((await download.path())!, 'utf8')
      .replace(/^\ufeff/, '')
      .trimEnd()
      .split('\r\n')
    expect(lines[0]).toBe('Number,Order date,Customer,Partner,Status,Total')
    expect(lines.length).toBe(s.orders.length + 1)
    expect(lines.slice(1).join('\n')).not.toMatch(/#\d+/)
    const customers = new Set(s.customers.map((c) => c.name))
    expect(lines.slice(1).every((l) => [...customers].some((n) => l.includes(n)))).toBe(true)
    await shot(page, 'lists-orders-1440')
  })

  it('a reader who may read orders but not customers sees "Not available", never #id, in the list and the export', async () => {
    // a warehouse user reads orders (to ship them); this one is also denied customers and partners
    await newUser('clerk1', ['warehouse'])
    const clerkOnly = { fact: 'user', path: '$.email', operator: 'equal', value: 'clerk1@lists.test' }
    const deny = {
      name: 'clerk-no-customers',
      effect: 'deny',
      entities: ['customer', 'partner'],
      actions: ['find', 'get'],
      conditions: { all: [clerkOnly] },
    }
    const rule = await p.http('POST', '/api/rules', { definition: deny }, token)
    expect(rule.status, JSON.stringify(rule.body)).toBe(201)
    const ctx = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      locale: 'en-US',
      acceptDownloads: true,
    })
    const clerk = await ctx.newPage()
    await login(clerk, p.url, 'clerk1@lists.test', PASSWORD)
    expect(
      (await p.http('GET', '/api/customers', undefined, await p.login('clerk1@lists.test', PASSWORD))).status,
    ).toBe(403)
    await clerk.goto(`${p.url}/admin/e/orders`)
    await clerk.waitForSelector('[data-test="list-table"] [data-test="row-link"]')
    const table = clerk.locator('[data-test="list-table"] .el-table__body')
    await expect.poll(() => table.innerText(), { timeout: 10_000 }).toContain('Not available')
    expect(await table.innerText()).not.toMatch(/#\d+/)
    expect(await table.innerText()).not.toMatch(new RegExp(s.customers.map((c) => c.name).join('|')))
    await clerk.click('[data-test="export-button"]')
    const [download] = await Promise.all([
      clerk.waitForEvent('download'),
      clerk.locator('[data-test="export-csv"]').locator('visible=true').click(),
    ])
    const body = readFileSync((await download.path())!, 'utf8')
      .replace(/^\ufeff/, '')
      .trimEnd()
      .split('\r\n')
      .slice(1)
      .join('\n')
    expect(body).toContain('Not available')
    expect(body).not.toMatch(/#\d+/)
    await ctx.close()
  })

  it('filters, sort and page live in the URL: a reload and the back button give the same list', async () => {
    const sold = ['submitted', 'approved', 'shipped', 'delivered', 'closed']
    const submitted = s.orders.filter((o) => sold.includes(o.status))
    expect(submitted.length).toBeGreaterThan(10)
    await page.goto(`${p.url}/admin/e/orders?f.status=${sold.join(',')}&sort=-total&size=10`)
    await page.waitForSelector('[data-test="filter-status"]')
    await expect.poll(rowsShown, { timeout: 10_000 }).toBe(10)
    await expect(page.locator('[data-test="list-total"]').innerText()).resolves.toBe(
      `${submitted.length} records`,
    )
    // page 2 from the pager: the URL follows
    await page.locator('.el-pagination .number', { hasText: /^2$/ }).click()
    await expect.poll(() => new URL(page.url()).searchParams.get('page')).toBe('2')
    const onPage2 = await firstNumber()
    await page.reload()
    await page.waitForSelector('[data-test="filter-status"]')
    await expect.poll(firstNumber, { timeout: 10_000 }).toBe(onPage2)
    const url = new URL(page.url())
    expect(Object.fromEntries(url.searchParams)).toEqual({
      'f.status': sold.join(','),
      sort: '-total',
      size: '10',
      page: '2',
    })
    // sort from a column header: a new history entry; back returns to page 2 by total
    await page
      .locator('[data-test="list-table"] th', { hasText: 'Order date' })
      .locator('.sort-caret.ascending')
      .click()
    await expect.poll(() => new URL(page.url()).searchParams.get('sort')).toBe('orderDate')
    await expect.poll(() => new URL(page.url()).searchParams.get('page')).toBe(null)
    await page.goBack()
    await expect.poll(() => new URL(page.url()).searchParams.get('sort')).toBe('-total')
    await expect.poll(firstNumber, { timeout: 10_000 }).toBe(onPage2)
    expect(errors).toEqual([])
  })

  it('a saved view shared with a role is seen by another user of that role, not by other roles', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' })
    const rep1 = await ctx.newPage()
    await login(rep1, p.url, 'rep1@lists.test', PASSWORD)
    await rep1.goto(`${p.url}/admin/e/orders?f.status=draft&sort=-total`)
    await rep1.waitForSelector('[data-test="filter-status"]')
    await rep1.click('[data-test="views-button"]')
    await rep1.locator('[data-test="view-save"]').locator('visible=true').click()
    await rep1.fill('#view-name', 'Team drafts')
    await rep1.click('[data-test="view-role"]')
    await rep1.locator('[data-test="view-role-sales_rep"]').locator('visible=true').click()
    await shot(rep1, 'lists-save-view-1440')
    await rep1.click('[data-test="view-submit"]')
    await expect
      .poll(async () =>
        ((await p.http('GET', '/api/saved-views?entity=order', undefined, token)).body.data as Row[]).map(
          (v) => v.name,
        ),
      )
      .toEqual(['Team drafts'])
    await ctx.close()

    const ctx2 = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' })
    const rep2 = await ctx2.newPage()
    await login(rep2, p.url, 'rep2@lists.test', PASSWORD)
    await rep2.goto(`${p.url}/admin/e/orders`)
    await rep2.waitForSelector('[data-test="views-button"]')
    await rep2.click('[data-test="views-button"]')
    await rep2.locator('[data-test="view-Team drafts"]').locator('visible=true').click()
    await expect
      .poll(() => Object.fromEntries(new URL(rep2.url()).searchParams))
      .toEqual({ 'f.status': 'draft', sort: '-total' })
    await rep2.waitForSelector('[data-test="filter-status"]')
    await ctx2.close()

    const ctx3 = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' })
    const wh = await ctx3.newPage()
    await login(wh, p.url, 'wh1@lists.test', PASSWORD)
    await wh.goto(`${p.url}/admin/e/orders`)
    await wh.waitForSelector('[data-test="views-button"]')
    await wh.click('[data-test="views-button"]')
    await wh.locator('[data-test="view-save"]').locator('visible=true').waitFor()
    await expect(wh.locator('[data-test="view-Team drafts"]').count()).resolves.toBe(0)
    await ctx3.close()
  })

  it('at 390 px the orders list is a card list and the dashboard does not scroll sideways', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    await page.goto(`${p.url}/admin/e/orders`)
    await page.waitForSelector('[data-test="list-cards"] [data-test="list-card"]')
    await expect(page.locator('[data-test="list-table"]').count()).resolves.toBe(0)
    await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(390)
    await shot(page, 'lists-orders-390')
    await page.goto(`${p.url}/admin/`)
    await page.waitForSelector('.dash-card')
    await page.waitForFunction(
      () => document.querySelectorAll('.dash-card[aria-busy="true"]').length === 0,
      undefined,
      { timeout: 30_000 },
    )
    await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(390)
    await shot(page, 'dashboard-390')
    await page.setViewportSize({ width: 1440, height: 900 })
  })

  it('in Chinese the list chrome (headers, buttons, pager, views) shows no English', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' })
    const zh = await ctx.newPage()
    await zh.addInitScript(() => localStorage.setItem('plume.locale', 'zh-CN'))
    await login(zh, p.url, p.adminEmail, p.adminPassword)
    await zh.goto(`${p.url}/admin/e/orders?f.status=submitted`)
    await zh.waitForSelector('[data-test="list-table"] [data-test="row-link"]')
    const chrome = await zh.evaluate(() => {
      const root = document.querySelector('[data-test="list-order"]')!.cloneNode(true) as HTMLElement
      // the rows are data (names, numbers)
      root.querySelectorAll('.el-table__body, input').forEach((n) => n.remove())
      return root.innerText
    })
    expect(chrome.match(/[A-Za-z]{3,}/g) ?? []).toEqual([])
    await shot(zh, 'lists-orders-zh-1440')
    await zh.setViewportSize({ width: 390, height: 844 })
    await zh.waitForSelector('[data-test="list-cards"]')
    await expect(zh.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(390)
    await shot(zh, 'lists-orders-zh-390')
    await ctx.close()
  })
})
