/**
 * The admin UI in a real browser: Debian Chromium driven by playwright-core against a whole
 * platform (startTestPlatform). Screenshots of the list, form, detail and dashboard are written
 * to artifacts/screenshots/ on every run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { ensureAdminBuilt, launch, login, pickOption, shot } from './browser.js'

describe('admin UI', () => {
  let p: TestPlatform
  let browser: Browser
  let ctxA: BrowserContext
  let page: Page
  let token: string
  const code = `BRW-${Date.now().toString(36).toUpperCase()}`
  const consoleErrors: string[] = []

  beforeAll(async () => {
    ensureAdminBuilt()
    p = await startTestPlatform()
    token = await p.login()
    browser = await launch()
    ctxA = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-US' })
    page = await ctxA.newPage()
    page.on('pageerror', (err) => consoleErrors.push(String(err)))
  })

  afterAll(async () => {
    await browser?.close()
    await p?.close()
  })

  it('serves the SPA at /admin with a fallback and long-cached assets', async () => {
    const index = await fetch(`${p.url}/admin/e/customers/1`)
    expect(index.status).toBe(200)
    expect(index.headers.get('content-type')).toContain('text/html')
    const html = await index.text()
    const asset = /src="(\/admin\/assets\/[^"]+\.js)"/.exec(html)?.[1]
    expect(asset).toBeTruthy()
    const js = await fetch(`${p.url}${asset}`)
    expect(js.status).toBe(200)
    expect(js.headers.get('cache-control')).toContain('immutable')
    expect((await fetch(`${p.url}/admin/assets/nope.js`)).status).toBe(404)
  })

  it('logs in and shows the dashboard', async () => {
    await login(page, p.url, p.adminEmail, p.adminPassword)
    await page.waitForSelector('[data-test="dashboard"]')
    await page.waitForSelector('[data-test="card-sales-month"] [data-test="kpi-value"]')
    await page.waitForTimeout(800)
    await shot(page, 'dashboard')
    await expect(page.locator('[data-test="nav-customer"]').count()).resolves.toBe(1)
  })

  it('creates a customer through the form after a validation error', async () => {
    await page.click('[data-test="nav-customer"]')
    await page.waitForSelector('[data-test="list-customer"]')
    await page.click('[data-test="create"]')
    await page.waitForSelector('[data-test="form-customer"]')
    await page.click('[data-test="save"]')
    // client-side validation (Ajv, same schema as the server): required code and name
    await page.waitForSelector('[data-test="error-code"]')
    await expect(page.locator('[data-test="error-name"]').isVisible()).resolves.toBe(true)
    await page.fill('#field-code', code)
    await page.fill('#field-name', 'Browser Test Co')
    await page.fill('#field-creditLimit', '1234.5')
    await shot(page, 'form')
    await page.click('[data-test="save"]')
    await page.waitForSelector('[data-test="detail-customer"] [data-test="detail-title"]')
    await expect(page.locator('[data-test="detail-title"]').innerText()).resolves.toContain('Browser Test Co')
    const { body } = await p.http('GET', `/api/customers?code=${code}`, undefined, token)
    expect(body.total).toBe(1)
    expect(body.data[0].creditLimit).toBe('1234.50')
  })

  it('finds it with a filter, opens the detail and edits it', async () => {
    // noise so the filter has something to filter out
    await p.http('POST', '/api/customers', { code: 'OTHER-1', name: 'Someone Else' }, token)
    await page.click('[data-test="nav-customer"]')
    await page.waitForSelector('[data-test="list-table"] [data-test="row-link"]')
    await pickOption(page, '[data-test="add-filter"]', '[data-test="add-filter-code"]')
    await page.fill('#filter-code', code)
    await expect.poll(() => page.locator('[data-test="list-table"] [data-test="row-link"]').count(), { timeout: 10_000 }).toBe(1)
    await expect(page.locator('[data-test="list-total"]').innerText()).resolves.toMatch(/\b1\b/)
    await shot(page, 'list')
    await page.locator('[data-test="list-table"] [data-test="row-link"]').first().click()
    await page.waitForSelector('[data-test="detail-customer"] [data-test="value-code"]')
    await expect(page.locator('[data-test="value-code"]').innerText()).resolves.toContain(code)
    await shot(page, 'detail')

    await page.click('[data-test="edit"]')
    await page.waitForSelector('[data-test="form-customer"]')
    await expect(page.locator('#field-name').inputValue()).resolves.toBe('Browser Test Co')
    await page.fill('#field-name', 'Browser Test Co Ltd')
    await page.click('[data-test="save"]')
    await page.waitForSelector('[data-test="detail-customer"] [data-test="detail-title"]')
    await expect.poll(() => page.locator('[data-test="detail-title"]').innerText()).toContain('Browser Test Co Ltd')
  })

  it('shows the audit entry of the edit', async (ctx) => {
    const probe = await p.http('GET', '/api/audit?entity=customer&$limit=1', undefined, token)
    if (probe.status === 404) {
      console.warn('SKIPPED audit assertion: /api/audit does not exist on this server yet (status 404)')
      ctx.skip()
      return
    }
    await page.getByRole('tab', { name: 'History' }).click()
    // the create and the edit, newest first
    await expect.poll(() => page.locator('[data-test="audit-entry"]').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(2)
    await expect(page.locator('[data-test="audit-entry"]').first().innerText()).resolves.toContain('Updated')
    await shot(page, 'detail-history')
  })

  it('switches to Chinese at run time', async () => {
    await pickOption(page, '[data-test="locale-switch"]', '[data-test="locale-zh-CN"]')
    await expect.poll(() => page.locator('[data-test="nav-customer"]').innerText()).toBe('客户')
    await expect.poll(() => page.locator('[data-test="value-name"] dt').innerText()).toBe('名称')
    await expect(page.locator('[data-test="edit"]').innerText()).resolves.toBe('编辑')
    await shot(page, 'detail-zh')
    await pickOption(page, '[data-test="locale-switch"]', '[data-test="locale-en"]')
    await expect.poll(() => page.locator('[data-test="nav-customer"]').innerText()).toBe('Customers')
  })

  it('shows a record created by another user in a second browser context live', async () => {
    const other = { email: 'rep@test.local', password: 'rep-Secret-123', name: 'Second User', roles: ['admin'] }
    const created = await p.http('POST', '/api/users', other, token)
    expect(created.status).toBe(201)
    await page.click('[data-test="nav-customer"]')
    await page.waitForSelector('[data-test="list-table"] [data-test="row-link"]')
    const before = await page.locator('[data-test="list-table"] [data-test="row-link"]').count()

    const ctxB = await browser.newContext({ viewport: { width: 1024, height: 768 } })
    const pageB = await ctxB.newPage()
    await login(pageB, p.url, other.email, other.password)
    await pageB.goto(`${p.url}/admin/e/customers/new`)
    await pageB.waitForSelector('[data-test="form-customer"]')
    await pageB.fill('#field-code', 'LIVE-1')
    await pageB.fill('#field-name', 'Live Arrival')
    await pageB.click('[data-test="save"]')
    await pageB.waitForSelector('[data-test="detail-customer"]')
    await ctxB.close()

    // no reload in the first context: the socket event refreshes the list in place
    await expect.poll(() => page.locator('[data-test="list-table"]').innerText(), { timeout: 10_000 }).toContain('Live Arrival')
    await expect(page.locator('[data-test="list-table"] [data-test="row-link"]').count()).resolves.toBe(before + 1)
    expect(consoleErrors).toEqual([])
  })

  it('sends an expired session back to the login page with a message', async () => {
    await page.evaluate(() => localStorage.setItem('plume.token', 'not-a-valid-token'))
    await page.reload()
    await page.waitForSelector('[data-test="session-expired"]', { timeout: 10_000 })
  })
})
