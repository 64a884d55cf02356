/**
 * The report runner in Chromium against a whole platform: a report opened from the list runs
 * with its parameters, shows a table and a chart, exports CSV and XLSX whose content matches the
 * server's figures, and is scheduled; in Chinese nothing on the screen is English; at 390 px
 * nothing scrolls sideways. Screenshots: artifacts/screenshots/reports-*.png.
 */
import { readFileSync } from 'node:fs'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { buildScenario } from '../reporting/fixtures.js'
import { ensureAdminBuilt, launch, login, pickOption, shot } from './browser.js'

type Row = Record<string, unknown>

/** Words of three or more Latin letters in the visible UI text (data such as names and codes excluded by the caller). */
const englishWords = (text: string, allowed: string[]) =>
  (text.match(/[A-Za-z]{3,}/g) ?? []).filter((w) => !allowed.includes(w))

describe('report runner', () => {
  let p: TestPlatform
  let browser: Browser
  let page: Page
  let token: string
  const errors: string[] = []

  beforeAll(async () => {
    ensureAdminBuilt()
    p = await startTestPlatform()
    token = await p.login()
    await buildScenario(p, 'RB')
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

  it('lists the reports by name and opens one instead of the generic JSON detail', async () => {
    await page.goto(`${p.url}/admin/x/reporting/reports`)
    await page.waitForSelector('[data-test="report-sales-by-partner"]')
    await expect(page.locator('[data-test="report-sales-by-partner"]').innerText()).resolves.toContain(
      'Sales by partner',
    )
    await shot(page, 'reports-list-1440')
    // the generic detail of a report definition redirects to the runner
    const id = (await p.http('GET', '/api/reports/sales-by-partner', undefined, token)).body.id as number
    await page.goto(`${p.url}/admin/e/report-definitions/${id}`)
    await page.waitForSelector('[data-test="report-runner"] [data-test="report-table"]')
    expect(page.url()).toContain(`/admin/x/reporting/reports/${id}`)
    await expect(page.locator('[data-test="report-title"]').innerText()).resolves.toBe('Sales by partner')
  })

  it('runs with a period and a partner, shows the figures as a table and a chart', async () => {
    const api = (
      await p.http('GET', '/api/reports/sales-by-partner/run?from=2025-01-01&to=2026-12-31', undefined, token)
    ).body
    const rows = api.rows as Row[]
    expect(rows.length).toBeGreaterThan(0)
    const range = page.locator('[data-test="report-runner"] .params .el-range-input')
    await range.first().fill('2025-01-01')
    await range.nth(1).fill('2026-12-31')
    await range.nth(1).press('Enter')
    await page.click('[data-test="report-run"]')
    await expect
      .poll(() => page.locator('[data-test="report-table"] .el-table__body tr').count(), { timeout: 20_000 })
      .toBe(rows.length)
    await page.waitForSelector('[data-test="report-chart"] canvas', { timeout: 20_000 })
    const first = await page.locator('[data-test="report-table"] .el-table__body tr').first().innerText()
    expect(first).toContain(String(rows[0]!.partnerName))
    // no id column beside the name column
    const headers = await page.locator('[data-test="report-table"] .el-table__header th').allInnerTexts()
    expect(headers.map((h) => h.trim())).toEqual([
      'Partner',
      'Orders',
      'Gross sales (with tax)',
      'Tax',
      'Net sales (after discounts, before tax)',
    ])
    await shot(page, 'reports-run-1440')
  })

  it('exports CSV and XLSX with the figures on screen', async () => {
    const api = (
      await p.http('GET', '/api/reports/sales-by-partner/run?from=2025-01-01&to=2026-12-31', undefined, token)
    ).body
    const rows = api.rows as Row[]
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-test="report-export-csv"]'),
    ])
    expect(csv.suggestedFilename()).toMatch(/^sales-by-partner-\d{8}-\d{4}\.csv$/)
    const lines = readFileSync((await csv.path())!, 'utf8')
      .replace(/^\ufeff/, '')
      .trimEnd()
      .split('\r\n')
    // the header names the columns in the screen's language (a label with a comma is quoted)
    expect(lines[0]).toBe(
      'Partner,Partner,Orders,Gross sales (with tax),Tax,"Net sales (after discounts, before tax)"',
    )
    expect(lines.slice(1)).toEqual(
      rows.map((r) =>
        [r.partnerId ?? '', r.partnerName ?? '', r.orders, r.grossSales, r.tax, r.netSales].join(','),
      ),
    )
    const [xlsx] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-test="report-export-xlsx"]'),
    ])
    expect(xlsx.suggestedFilename()).toMatch(/^sales-by-partner-.*\.xlsx$/)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(readFileSync((await xlsx.path())!) as unknown as ArrayBuffer)
    const ws = wb.worksheets[0]!
    expect(ws.rowCount).toBe(rows.length + 1)
    expect(ws.getRow(2).values).toEqual([
      undefined,
      rows[0]!.partnerId,
      rows[0]!.partnerName,
      rows[0]!.orders,
      Number(rows[0]!.grossSales),
      Number(rows[0]!.tax),
      Number(rows[0]!.netSales),
    ])
  })

  it('schedules the report every Monday and shows it in the list', async () => {
    await pickOption(
      page,
      '[data-test="schedule-choice"]',
      '.el-select-dropdown__item:has-text("Every Monday at 07:00")',
    )
    await page.click('[data-test="schedule-save"]')
    await expect
      .poll(
        async () => (await p.http('GET', '/api/reports/sales-by-partner', undefined, token)).body.schedule,
        { timeout: 10_000 },
      )
      .toBe('0 7 * * 1')
    await page.goto(`${p.url}/admin/x/reporting/reports`)
    await expect
      .poll(() => page.locator('[data-test="report-sales-by-partner"]').innerText())
      .toContain('0 7 * * 1')
    expect(errors).toEqual([])
  })

  it('in Chinese: report, parameter, column and button names show no English', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' })
    const zh = await ctx.newPage()
    await zh.addInitScript(() => localStorage.setItem('plume.locale', 'zh-CN'))
    await login(zh, p.url, p.adminEmail, p.adminPassword)
    await zh.goto(`${p.url}/admin/x/reporting/reports`)
    await zh.waitForSelector('[data-test="report-sales-by-period"]')
    const list = await zh.locator('[data-test="report-list"]').innerText()
    expect(englishWords(list, ['SLA', 'cron'])).toEqual([])
    await zh.click('[data-test="report-sales-by-period"]')
    await zh.waitForSelector('[data-test="report-table"]')
    await zh.waitForSelector('[data-test="report-chart"] canvas', { timeout: 20_000 })
    // everything but the table body (data: names) and the cron field
    const ui = await zh.evaluate(() => {
      const root = document.querySelector('[data-test="report-runner"]')!.cloneNode(true) as HTMLElement
      root.querySelectorAll('.el-table__body, input').forEach((n) => n.remove())
      return root.innerText
    })
    expect(englishWords(ui, ['CSV', 'Excel', 'UTC', 'Cron', 'cron'])).toEqual([])
    await shot(zh, 'reports-run-zh-1440')
    await zh.setViewportSize({ width: 390, height: 844 })
    await zh.waitForTimeout(300)
    await expect(zh.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(390)
    await shot(zh, 'reports-run-zh-390')
    await ctx.close()
  })

  it('fits a phone in English too', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    await page.goto(`${p.url}/admin/x/reporting/reports`)
    await page.waitForSelector('[data-test="report-sales-by-partner"]')
    await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(390)
    await shot(page, 'reports-list-390')
    await page.click('[data-test="report-sales-by-partner"]')
    await page.waitForSelector('[data-test="report-table"]')
    await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(390)
    await shot(page, 'reports-run-390')
  })
})
