/**
 * The report designer and role dashboards (#17 item 5) in Chromium against a whole platform: an admin
 * designs "Orders by status" (group by status, count and sum of total, bar chart) with a live preview
 * on real data, saves it, pins it to the partner users' dashboard; the partner user signs in and sees
 * the card with their own orders only. en and zh-CN at 1440 and 390 px; nothing scrolls sideways.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { client, created, loopFixture, type Api, type LoopFixture } from '../orders/fixtures.js'
import { ensureAdminBuilt, launch, login, pickOption, shot } from './browser.js'
import { loginNarrow } from './phone.js'

let p: TestPlatform
let f: LoopFixture
let api: Api
let browser: Browser
const contexts: BrowserContext[] = []
let reportId = 0

async function open(viewport: { width: number; height: number }, lang: 'en' | 'zh-CN' = 'en'): Promise<Page> {
  const ctx = await browser.newContext({ viewport, locale: 'en-US' })
  await ctx.addInitScript((l) => localStorage.setItem('plume.locale', l), lang)
  contexts.push(ctx)
  const page = await ctx.newPage()
  page.setDefaultTimeout(90_000)
  return page
}
const input = (test: string) => `[data-test="${test}"] >> xpath=descendant-or-self::input`
const option = (text: string) => `.el-select-dropdown__item:has(:text-is("${text}"))`
const sideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth)

beforeAll(async () => {
  ensureAdminBuilt()
  p = await startTestPlatform()
  f = await loopFixture(p, 'REP')
  api = client(p, f.token)
  // two orders of the partner's customer (draft); the admin's other data is not the partner's
  for (const quantity of [1, 2])
    await created(api, '/api/orders', {
      customerId: f.customerId,
      warehouseId: f.warehouseId,
      lines: [{ productId: f.products.gadget, quantity }],
    })
  browser = await launch()
}, 900_000)

afterAll(async () => {
  for (const c of contexts) await c.close()
  await browser?.close()
  await p?.close()
})

describe('report designer and role dashboards', () => {
  it('designs a report with a chart, sees the live preview and saves it', async () => {
    const page = await open({ width: 1440, height: 900 })
    await login(page, p.url, p.adminEmail, p.adminPassword)
    await page.goto(`${p.url}/admin/builder/reports`)
    await page.locator('[data-test="reports-table"] .el-table__row').first().waitFor()
    await page.click('[data-test="new-report"]')
    await page.fill(input('report-code'), 'orders-by-status')
    await page.fill(input('report-name-en'), 'Orders by status')
    await page.fill(input('report-name-zh'), '按状态的订单')
    await pickOption(page, '[data-test="report-entity"]', option('Order'))
    await page.click('[data-test="add-dim"]')
    await pickOption(page, '[data-test="dim-0"] [data-test="dim-field"]', option('Status'))
    await page.click('[data-test="add-measure"]')
    await pickOption(page, '[data-test="measure-1"] [data-test="measure-field"]', option('Total'))
    // the preview runs on the server as the form changes: a bar per status, the table below
    await page.locator('[data-test="preview-chart"] canvas').waitFor()
    const draft = page.locator('[data-test="preview-table"] .el-table__row', { hasText: /draft/i })
    await draft.waitFor()
    const all = (await api('GET', '/api/orders?status=draft&$limit=0')).body.total as number
    expect(await draft.locator('td').nth(1).innerText()).toBe(String(all))
    await shot(page, 'builder-report-designer-1440-en')
    await page.click('[data-test="save-report"]')
    await page.waitForURL(/\/admin\/builder\/reports\/\d+$/)
    reportId = Number(page.url().split('/').pop())
    const saved = (await api('GET', `/api/reports/${reportId}`)).body
    expect(saved).toMatchObject({
      code: 'orders-by-status',
      entity: 'order',
      chart: 'bar',
      dimensions: ['status'],
      measures: [
        { fn: 'count', as: 'count' },
        { fn: 'sum', field: 'total', as: 'sumTotal' },
      ],
      label: { en: 'Orders by status', 'zh-CN': '按状态的订单' },
    })
  })

  it("pins the report to the partner users' dashboard", async () => {
    const page = await open({ width: 1440, height: 900 })
    await login(page, p.url, p.adminEmail, p.adminPassword)
    await page.goto(`${p.url}/admin/builder/reports`)
    await page.click('.el-tabs__item:has-text("Dashboards per role")')
    await pickOption(page, '[data-test="layout-role"]', option('Partner user'))
    await page.click('[data-test="available-report-orders-by-status"] button')
    await page.click('[data-test="available-card-orders-count"] button')
    await shot(page, 'builder-dashboard-layout-1440-en')
    await page.click('[data-test="save-layout"]')
    await expect
      .poll(async () => (await api('GET', '/api/dashboard-layouts?role=partner_user')).body.data, {
        timeout: 60_000,
      })
      .toEqual([
        expect.objectContaining({
          cards: [
            { kind: 'report', ref: 'orders-by-status', size: 2 },
            { kind: 'card', ref: 'orders-count', size: 1 },
          ],
        }),
      ])
  })

  it('a partner user sees the card on their dashboard, with their own orders only', async () => {
    for (const [lang, width] of [
      ['en', 1440],
      ['zh-CN', 1440],
      ['en', 390],
      ['zh-CN', 390],
    ] as const) {
      const page = await open({ width, height: width > 400 ? 900 : 844 }, lang)
      await (width > 400 ? login : loginNarrow)(page, p.url, f.partnerEmail, f.partnerPassword)
      const card = page.locator('[data-test="report-card-orders-by-status"]')
      await card.locator('canvas').waitFor()
      expect(await card.locator('h2').innerText()).toBe(lang === 'en' ? 'Orders by status' : '按状态的订单')
      // the partner's two draft orders — nobody else's
      const row = card.locator('.el-table__row').first()
      expect(await row.locator('td').nth(1).innerText()).toBe('2')
      expect(await card.locator('.el-table__row').count()).toBe(1)
      await page.locator('[data-test="card-orders-count"]').waitFor()
      expect(await sideways(page)).toBeLessThanOrEqual(width)
      await shot(page, `builder-dashboard-partner-${width}-${lang}`)
    }
  })

  it('the designer reads in Chinese and fits a phone', async () => {
    for (const width of [1440, 390]) {
      const page = await open({ width, height: width > 400 ? 900 : 844 }, 'zh-CN')
      await (width > 400 ? login : loginNarrow)(page, p.url, p.adminEmail, p.adminPassword)
      await page.goto(`${p.url}/admin/builder/reports/${reportId}`)
      await page.locator('[data-test="preview-chart"] canvas').waitFor()
      await page.locator('[data-test="preview-table"] .el-table__row').first().waitFor()
      const text = await page.locator('[data-test="builder-report"]').innerText()
      expect(text).toContain('分组')
      expect(text).not.toMatch(/Group by|Measures|Preview|Number of records/)
      expect(await sideways(page)).toBeLessThanOrEqual(width)
      await shot(page, `builder-report-designer-${width}-zh-CN`)
    }
  })
})
