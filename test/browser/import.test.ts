/**
 * The import screen (plugins/import/admin) in Chromium against a whole platform: 1,000 customers
 * with 3 bad rows — the dry run shows exactly those 3 errors and writes nothing, the error file
 * downloads, the corrected file imports; the zh-CN screen at 390 px has no English and no sideways scroll.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { ensureAdminBuilt, launch, login, shot } from './browser.js'
import { loginNarrow } from './phone.js'

const BAD: Record<number, string> = {
  120: 'C-120,Customer 120,not-an-email,120.50',
  480: 'C-480,,c480@example.com,480.50',
  777: 'C-777,Customer 777,c777@example.com,12.345',
}
function customers(bad: Record<number, string> = {}): Buffer {
  const lines = ['Code,Name,Email,Credit limit']
  for (let i = 1; i <= 1000; i++) lines.push(bad[i] ?? `C-${i},Customer ${i},c${i}@example.com,${i}.50`)
  return Buffer.from(lines.join('\r\n'))
}
const count = async (p: TestPlatform) =>
  Number(((await p.db.knex('customers').count({ n: '*' })) as Array<{ n: unknown }>)[0]!.n)

async function openImport(page: Page, base: string): Promise<void> {
  await page.goto(`${base}/admin/x/import/files`)
  await page.waitForSelector('[data-test="import"]')
}
async function chooseFile(page: Page, name: string, buffer: Buffer): Promise<void> {
  await page.setInputFiles('[data-test="import-file"]', { name, mimeType: 'text/csv', buffer })
  await page.waitForSelector('[data-test="import-mapping"]')
}
async function runAndWait(page: Page, button: 'dry-run' | 'commit', outcome: string): Promise<void> {
  await page.click(`[data-test="import-${button}"]`)
  await page.waitForSelector(`[data-test="import-outcome-${outcome}"]`, { timeout: 180_000 })
}

describe('import screen', () => {
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

  it('1,000 customers with 3 bad rows: the dry run shows exactly those 3 and writes nothing; corrected, all 1,000 import', async () => {
    const ctx = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      locale: 'en-US',
      acceptDownloads: true,
    })
    const page = await ctx.newPage()
    page.setDefaultTimeout(120_000)
    page.on('pageerror', (err) => pageErrors.push(String(err)))
    await login(page, p.url, p.adminEmail, p.adminPassword)
    await expect(page.locator('[data-test="nav"] >> text=Import').count()).resolves.toBeGreaterThan(0)
    await openImport(page, p.url)
    await chooseFile(page, 'customers.csv', customers(BAD))
    await shot(page, 'import-mapping-1440-en')
    await runAndWait(page, 'dry-run', 'checked')
    const rows = await page.locator('[data-test="import-error"]').allInnerTexts()
    expect(rows).toHaveLength(3)
    const cells = rows.map((r) =>
      r
        .split(/\n|\t/)
        .map((s) => s.trim())
        .filter(Boolean),
    )
    expect(cells.map((c) => [c[0], c[1]])).toEqual([
      ['121', 'Email'],
      ['481', 'Name'],
      ['778', 'Credit limit'],
    ])
    expect(await count(p)).toBe(0)
    await shot(page, 'import-dry-run-1440-en')

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-test="import-download"]'),
    ])
    const csv = readFileSync((await download.path())!, 'utf8')
      .replace('\uFEFF', '')
      .trim()
      .split('\r\n')
    expect(csv).toHaveLength(4)
    expect(csv[0]).toBe('row,column,message')

    await page.click('[data-test="import-again"]')
    await chooseFile(page, 'customers-fixed.csv', customers())
    await runAndWait(page, 'commit', 'done')
    expect(await page.locator('[data-test="import-outcome-done"]').innerText()).toContain('1000 new')
    expect(await count(p)).toBe(1000)
    await shot(page, 'import-done-1440-en')
    expect(pageErrors).toEqual([])
    await ctx.close()
  })

  it('in Chinese at 390 px: every text is Chinese, errors included, and nothing scrolls sideways', async () => {
    const ctx = await browser.newContext({
      viewport: { width: 390, height: 844 },
      locale: 'zh-CN',
      deviceScaleFactor: 1,
    })
    const page = await ctx.newPage()
    page.setDefaultTimeout(120_000)
    page.on('pageerror', (err) => pageErrors.push(String(err)))
    await loginNarrow(page, p.url, p.adminEmail, p.adminPassword)
    await openImport(page, p.url)
    await chooseFile(
      page,
      '客户.csv',
      Buffer.from(['编码,名称,邮箱', 'Z-1,客户一,bad', 'Z-2,,z2@example.com'].join('\n')),
    )
    await runAndWait(page, 'dry-run', 'checked')
    await expect(page.locator('[data-test="import-error"]').count()).resolves.toBe(2)
    await shot(page, 'import-dry-run-390-zh')
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    // the screen's own texts and the server's messages: no English words (file values and format names aside)
    const texts = await page.evaluate(() => {
      const root = document.querySelector('[data-test="import"]')!
      const pick = (sel: string) => [...root.querySelectorAll(sel)].map((e) => (e as HTMLElement).innerText)
      return [
        ...pick('h1, h2, .intro, .key, button, .el-alert__title, .err-head'),
        ...[...root.querySelectorAll('[data-test="import-error"] span:nth-child(3)')].map(
          (e) => (e as HTMLElement).innerText,
        ),
      ]
    })
    const english = texts
      .map((s) => s.replace(/CSV|XLSX|Excel|\bid\b/g, ''))
      .filter((s) => /[A-Za-z]{2,}/.test(s))
    expect(english).toEqual([])
    await page.click('[data-test="import-again"]')
    await page.waitForSelector('[data-test="import-file"]', { state: 'attached' })
    await shot(page, 'import-start-390-zh')
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    expect(pageErrors).toEqual([])
    await ctx.close()
  })
})
