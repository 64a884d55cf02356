/**
 * The administration screens (#15) in Chromium against a whole platform: assign a role by
 * picking it, see why a plugin others depend on cannot be disabled, search the audit log and
 * verify its chain; only admins get them; zh-CN shows no English; 390 px scrolls nothing sideways.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { ensureAdminBuilt, launch, login, pickOption, shot } from './browser.js'

let p: TestPlatform
let token: string
let browser: Browser
const contexts: BrowserContext[] = []
const tag = Date.now().toString(36)
const rep = { email: `rep-${tag}@plume.test`, password: 'Rep-Secret-12345', name: `Rita Rep ${tag}` }
let repId: number

async function open(viewport: { width: number; height: number }, lang: 'en' | 'zh-CN' = 'en'): Promise<Page> {
  const ctx = await browser.newContext({ viewport, locale: 'en-US' })
  await ctx.addInitScript((l) => localStorage.setItem('plume.locale', l), lang)
  contexts.push(ctx)
  const page = await ctx.newPage()
  // the machines are shared and slow at times: wait longer, assert the same
  page.setDefaultTimeout(90_000)
  return page
}

/** The text box of an Element Plus input (its data-test lands on the box or on its wrapper). */
const input = (test: string) => `[data-test="${test}"] >> xpath=descendant-or-self::input`

beforeAll(async () => {
  ensureAdminBuilt()
  p = await startTestPlatform()
  token = await p.login()
  const r = await p.http(
    'POST',
    '/api/users',
    { email: rep.email, name: rep.name, password: rep.password, roles: [] },
    token,
  )
  expect(r.status).toBe(201)
  repId = r.body.id as number
  browser = await launch()
}, 600_000)

afterAll(async () => {
  for (const c of contexts) await c.close()
  await browser?.close()
  await p?.close()
})

describe('administration screens', () => {
  it('assigns a role by picking it from the roles the server lists', async () => {
    const page = await open({ width: 1440, height: 900 })
    await login(page, p.url, p.adminEmail, p.adminPassword)
    await page.click('[data-test="nav-admin-users"]')
    await page.waitForSelector('[data-test="admin-users"]')
    await page.fill(input('users-search'), rep.name)
    await page.press(input('users-search'), 'Enter')
    await page.waitForSelector(`[data-test="user-${repId}"]`)
    await page.click(`[data-test="roles-${repId}"]`)
    // the options are the server's roles (the user schema's enum), with their names
    const options = page.locator('[data-test^="role-option-"]').locator('visible=true')
    await expect.poll(() => options.count()).toBeGreaterThanOrEqual(9)
    await page.locator('[data-test="role-option-sales_rep"]').locator('visible=true').click()
    await page.keyboard.press('Escape')
    await expect
      .poll(async () => (await p.http('GET', `/api/users/${repId}`, undefined, token)).body.roles)
      .toEqual(['sales_rep'])
    await shot(page, 'admin-users')
  })

  it('a plugin others depend on cannot be disabled, and the screen says which depend on it', async () => {
    const page = await open({ width: 1440, height: 900 })
    await login(page, p.url, p.adminEmail, p.adminPassword)
    await page.click('[data-test="nav-admin-plugins"]')
    await page.waitForSelector('[data-test="plugin-inventory"]')
    await page.click('[data-test="plugin-toggle-inventory"]')
    await page.click('.el-message-box__btns .el-button--primary')
    const refused = page.locator('[data-test="plugin-refused-inventory"]')
    await refused.waitFor()
    expect(await refused.innerText()).toContain('orders')
    expect((await p.http('GET', '/api/plugins/inventory', undefined, token)).body.enabled).toBe(true)
    await shot(page, 'admin-plugins')
  })

  it('searches the audit log by entity and record, and verifies the chain', async () => {
    const page = await open({ width: 1440, height: 900 })
    await login(page, p.url, p.adminEmail, p.adminPassword)
    await page.click('[data-test="nav-admin-audit"]')
    await page.waitForSelector('[data-test="admin-audit"]')
    await pickOption(page, '[data-test="audit-entity"]', '[data-test="audit-entity-user"]')
    await page.fill(input('audit-record'), String(repId))
    await page.fill(input('audit-action'), 'create')
    await page.click('[data-test="audit-search"]')
    const expected = (
      await p.http('GET', `/api/audit?entity=user&recordId=${repId}&action=create`, undefined, token)
    ).body as { total: number; data: Array<{ id: number; entity: string }> }
    expect(expected.total).toBeGreaterThan(0)
    await page.waitForSelector(`[data-test="audit-row-${expected.data[0]!.id}"]`)
    await expect
      .poll(() => page.locator('[data-test^="audit-row-"]').count())
      .toBe(Math.min(expected.total, 25))
    await page.click('[data-test="audit-verify"]')
    const report = page.locator('[data-test="audit-report"]')
    await report.waitFor()
    expect(await report.innerText()).toMatch(/The audit chain is intact: \d+ records checked/)
    await shot(page, 'admin-audit')
  })

  it('API keys: creates one (shown once) and revokes it', async () => {
    const page = await open({ width: 1440, height: 900 })
    await login(page, p.url, p.adminEmail, p.adminPassword)
    await page.click('[data-test="nav-admin-api-keys"]')
    await page.click('[data-test="key-new"]')
    await page.fill(input('key-name'), `Browser key ${tag}`)
    await page.click('[data-test="key-create"]')
    const plain = page.locator('[data-test="key-plaintext"]')
    await plain.waitFor()
    expect(await plain.innerText()).toMatch(/^plm_/)
    await page.keyboard.press('Escape')
    const keys = (await p.http('GET', '/api/api-keys?$sort[id]=-1', undefined, token)).body.data as Array<{
      id: number
      name: string
    }>
    const key = keys.find((k) => k.name === `Browser key ${tag}`)!
    await page.click(`[data-test="key-revoke-${key.id}"]`)
    await page.click('.el-message-box__btns .el-button--primary')
    await expect
      .poll(async () => (await p.http('GET', `/api/api-keys/${key.id}`, undefined, token)).body.revoked)
      .toBe(true)
    await shot(page, 'admin-api-keys')
  })

  it('only admins get them: a sales rep sees no Administration entries and a notice on the screen', async () => {
    const page = await open({ width: 1440, height: 900 })
    await login(page, p.url, rep.email, rep.password)
    expect(await page.locator('[data-test^="nav-admin-"]').count()).toBe(0)
    await page.goto(`${p.url}/admin/admin/users`)
    await page.waitForSelector('[data-test="admins-only"]')
    expect(await page.locator('[data-test^="user-"]').count()).toBe(0)
  })

  it('zh-CN: every administration screen reads in Chinese; at 390 px nothing scrolls sideways', async () => {
    for (const [lang, width] of [
      ['zh-CN', 1440],
      ['zh-CN', 390],
      ['en', 390],
    ] as const) {
      const page = await open({ width: 1440, height: 900 }, lang)
      await login(page, p.url, p.adminEmail, p.adminPassword)
      await page.setViewportSize({ width, height: 900 })
      for (const screen of ['users', 'api-keys', 'plugins', 'audit']) {
        await page.goto(`${p.url}/admin/admin/${screen}`)
        await page.waitForSelector(`[data-test="admin-${screen}"]`)
        await page.waitForLoadState('networkidle')
        if (lang === 'zh-CN') {
          // headings, labels, buttons and tags; names, emails and ids are data
          const texts = await page
            .locator(
              '.page-header h1, .page-header .el-button, .filters label, .el-tag, .el-button--primary, .toolbar input',
            )
            .evaluateAll((els) =>
              els.map((e) =>
                e instanceof HTMLInputElement ? e.placeholder : (e as HTMLElement).innerText.trim(),
              ),
            )
          // "API" stays as it is in Chinese too (API 密钥)
          expect(texts.join(' ').replace(/\bAPI\b/g, ''), screen).not.toMatch(/[A-Za-z]/)
        }
        if (width === 390)
          expect(await page.evaluate(() => document.documentElement.scrollWidth), screen).toBeLessThanOrEqual(
            390,
          )
        await shot(page, `admin-${screen}-${width}-${lang}`)
      }
    }
  })
})
