/**
 * The built admin UI under the Content-Security-Policy every response carries (no inline or
 * eval'd script): it loads, signs in, shows the dashboard, switches language and opens a list,
 * with no CSP violation reported by Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { CONTENT_SECURITY_POLICY } from '@plume/core/internal'
import { ensureAdminBuilt, launch, login } from './browser.js'

describe('admin UI under the security headers', () => {
  let p: TestPlatform
  let browser: Browser
  let page: Page
  const violations: string[] = []
  const errors: string[] = []

  beforeAll(async () => {
    ensureAdminBuilt()
    // the core alone: the screens are the same generated ones, the start is quicker
    p = await startTestPlatform({ pluginDirs: [] })
    browser = await launch()
    page = await (
      await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-US' })
    ).newPage()
    page.on('pageerror', (err) => errors.push(String(err)))
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text())
    })
    // violations the page itself sees (also those Chromium does not print)
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        console.error(`Refused to (CSP) ${e.violatedDirective} ${e.blockedURI}`),
      )
    })
  })
  afterAll(async () => {
    await browser?.close()
    await p?.close()
  })

  it('loads, signs in and works with no CSP violation', async () => {
    const res = await page.goto(`${p.url}/admin/`)
    expect(res?.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY)
    await login(page, p.url, p.adminEmail, p.adminPassword)
    await page.waitForSelector('[data-test="nav"]')
    // a generated list screen (data over REST, realtime over the websocket)
    await page.goto(`${p.url}/admin/e/users`)
    await page.waitForSelector('[data-test="nav"]')
    await page.waitForLoadState('networkidle')
    expect(violations).toEqual([])
    expect(errors).toEqual([])
  })

  it('refuses an injected inline script (the check above would see a violation)', async () => {
    await page.evaluate(() => {
      const s = document.createElement('script')
      s.textContent = 'window.__injected = true'
      document.body.appendChild(s)
    })
    await page.waitForFunction(() => true)
    expect(
      await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected),
    ).toBeUndefined()
    await expect.poll(() => violations.length).toBeGreaterThan(0)
    expect(violations.join('\n')).toMatch(/script-src/)
  })
})
