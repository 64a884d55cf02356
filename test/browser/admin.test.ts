/**
 * The admin UI in a real browser: Debian Chromium driven by playwright-core against a whole
 * platform (startTestPlatform). Screenshots of the list, form, detail, dashboard and tablet widths
 * are written to artifacts/screenshots/ on every run.
 */
import { readFileSync } from 'node:fs'
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
    await expect
      .poll(() => page.locator('[data-test="list-table"] [data-test="row-link"]').count(), {
        timeout: 10_000,
      })
      .toBe(1)
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
    await expect
      .poll(() => page.locator('[data-test="detail-title"]').innerText())
      .toContain('Browser Test Co Ltd')
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
    await expect
      .poll(() => page.locator('[data-test="audit-entry"]').count(), { timeout: 10_000 })
      .toBeGreaterThanOrEqual(2)
    await expect(page.locator('[data-test="audit-entry"]').first().innerText()).resolves.toContain('Updated')
    await shot(page, 'detail-history')
  })

  it('switches to Chinese at run time', async () => {
    await pickOption(page, '[data-test="locale-switch"]', '[data-test="locale-zh-CN"]')
    await expect.poll(() => page.locator('[data-test="nav-customer"]').innerText()).toBe('客户')
    await expect.poll(() => page.locator('[data-test="value-name"] dt').innerText()).toBe('名称')
    await expect(page.locator('[data-test="edit"]').innerText()).resolves.toBe('编辑')
    // enum values from x-ui.enumLabels
    await expect.poll(() => page.locator('[data-test="value-status"]').innerText()).toContain('活跃')
    await shot(page, 'detail-zh')
    await pickOption(page, '[data-test="locale-switch"]', '[data-test="locale-en"]')
    await expect.poll(() => page.locator('[data-test="nav-customer"]').innerText()).toBe('Customers')
  })

  it('shows a record created by another user in a second browser context live', async () => {
    const other = {
      email: 'rep@test.local',
      password: 'rep-Secret-123',
      name: 'Second User',
      roles: ['admin'],
    }
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
    await expect
      .poll(() => page.locator('[data-test="list-table"]').innerText(), { timeout: 10_000 })
      .toContain('Live Arrival')
    await expect(page.locator('[data-test="list-table"] [data-test="row-link"]').count()).resolves.toBe(
      before + 1,
    )
    expect(consoleErrors).toEqual([])
  })

  it('exports the filtered list as CSV', async () => {
    // three matching customers (one with a comma in its name) and noise
    for (const c of [
      { code: 'CSV-1', name: 'Alpha, Ltd', creditLimit: '12.50', status: 'blocked' },
      { code: 'CSV-2', name: 'Beta', creditLimit: '1000.00' },
      { code: 'CSV-3', name: 'Gamma', type: 'individual' },
      { code: 'NOISE-1', name: 'Not exported' },
    ])
      expect((await p.http('POST', '/api/customers', c, token)).status).toBe(201)
    await page.click('[data-test="nav-customer"]')
    await page.waitForSelector('[data-test="list-table"] [data-test="row-link"]')
    await pickOption(page, '[data-test="add-filter"]', '[data-test="add-filter-code"]')
    await page.fill('#filter-code', 'CSV-')
    await expect
      .poll(() => page.locator('[data-test="list-table"] .el-table__body tr').count(), { timeout: 10_000 })
      .toBe(3)
    await expect(page.locator('[data-test="list-total"]').innerText()).resolves.toBe('3 records')

    await page.click('[data-test="export-button"]')
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-test="export-csv"]').locator('visible=true').click(),
    ])
    expect(download.suggestedFilename()).toMatch(/^customers-\d{4}-\d{2}-\d{2}\.csv$/)
    const text = readFileSync((await download.path())!, 'utf8')
    const lines = text.replace(/^\ufeff/, '').split('\r\n')
    // header: the list's columns, labelled as on screen
    expect(lines[0]).toBe('Code,Name,Type,Status,Credit limit')
    // the list's sort (customer: by name), enum labels, exact money
    expect(lines.slice(1)).toEqual([
      'CSV-1,"Alpha, Ltd",Company,Blocked,12.50',
      'CSV-2,Beta,Company,Active,1000.00',
      'CSV-3,Gamma,Individual,Active,0.00',
    ])
  })

  it('sets a field on two selected rows at once', async () => {
    const boxes = page.locator(
      '[data-test="list-table"] .el-table__body .el-table-column--selection .el-checkbox',
    )
    await boxes.nth(0).click()
    await boxes.nth(1).click()
    await expect(page.locator('[data-test="bulk-bar"]').innerText()).resolves.toContain('2 selected')
    await page.click('[data-test="bulk-patch"]')
    await pickOption(page, '[data-test="bulk-field"]', '[data-test="bulk-field-status"]')
    await pickOption(page, '[data-test="enum-status"]', '[data-test="option-archived"]')
    await page.locator('[data-test="bulk-apply"]').locator('visible=true').click()
    // the first two rows by name (CSV-1, CSV-2) are archived, CSV-3 untouched; the tags show the label
    const statuses = async () =>
      (
        await p.http('GET', '/api/customers?code[$like]=CSV-%25&$sort[code]=1', undefined, token)
      ).body.data.map((c: { status: string }) => c.status)
    await expect.poll(statuses, { timeout: 10_000 }).toEqual(['archived', 'archived', 'active'])
    await expect
      .poll(() => page.locator('[data-test="list-table"] .el-table__body').innerText(), { timeout: 10_000 })
      .toContain('Archived')
    await shot(page, 'list-bulk')
  })

  it('shows the version conflict with Reload when the record changed while editing', async () => {
    const { body } = await p.http('GET', '/api/customers?code=CSV-2', undefined, token)
    const id = body.data[0].id as number
    await page.goto(`${p.url}/admin/e/customers/${id}/edit`)
    await page.waitForSelector('[data-test="form-customer"]')
    await expect.poll(() => page.locator('#field-name').inputValue()).toBe('Beta')
    // someone else saves first
    expect(
      (await p.http('PATCH', `/api/customers/${id}`, { name: 'Beta (changed elsewhere)' }, token)).status,
    ).toBe(200)
    await page.fill('#field-name', 'Beta (mine)')
    await page.click('[data-test="save"]')
    const box = page.locator('.el-message-box').locator('visible=true')
    await box.waitFor()
    await expect(box.innerText()).resolves.toContain('This record was changed after you opened it')
    await shot(page, 'form-conflict')
    await box.getByRole('button', { name: 'Reload' }).click()
    await expect.poll(() => page.locator('#field-name').inputValue()).toBe('Beta (changed elsewhere)')
    const after = await p.http('GET', `/api/customers/${id}`, undefined, token)
    expect(after.body.name).toBe('Beta (changed elsewhere)')
  })

  it('fits tablet screens (1024×768 and 768×1024)', async () => {
    for (const [width, height] of [
      [1024, 768],
      [768, 1024],
    ] as const) {
      await page.setViewportSize({ width, height })
      await page.goto(`${p.url}/admin/e/customers`)
      await page.waitForSelector('[data-test="list-table"] [data-test="row-link"]')
      await page.waitForTimeout(300)
      // nothing but the table itself scrolls sideways
      await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(
        width,
      )
      await shot(page, `tablet-list-${width}x${height}`)
      await page.goto(`${p.url}/admin/e/customers/new`)
      await page.waitForSelector('[data-test="form-customer"]')
      await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(
        width,
      )
      await shot(page, `tablet-form-${width}x${height}`)
    }
    await page.setViewportSize({ width: 1280, height: 860 })
    expect(consoleErrors).toEqual([])
  })

  it('fits a phone: the dashboard at 390 px does not scroll sideways', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    await page.goto(`${p.url}/admin/`)
    await page.waitForSelector('.dash-card')
    await page.waitForTimeout(1500)
    // a wide card (a table) scrolls inside itself, never the page
    await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(390)
    await shot(page, 'phone-dashboard-390')
    await page.setViewportSize({ width: 1280, height: 860 })
  })

  it('sends an expired session back to the login page with a message', async () => {
    await page.evaluate(() => localStorage.setItem('plume.token', 'not-a-valid-token'))
    await page.reload()
    await page.waitForSelector('[data-test="session-expired"]', { timeout: 10_000 })
  })
})
