/**
 * The rule builder (#17 item 3) in Chromium against a whole platform: a custom entity "vehicle" with
 * records in two warehouses; a permission rule written in the editor (not JSON) gives `warehouse`
 * users read access to the vehicles of their own warehouse (a user fact), with validation as you
 * type; saving versions it, the history shows the diff and reverts; explain for two warehouse users;
 * the matrix links a cell to the rule; logged in as each user the vehicle list differs.
 * zh-CN reads in Chinese; at 390 px nothing scrolls sideways.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { ensureAdminBuilt, launch, login, pickOption, shot } from './browser.js'

const PASSWORD = 'Rules-Secret-123'
let p: TestPlatform
let token: string
let browser: Browser
const contexts: BrowserContext[] = []
const users: Record<'north' | 'south', { id: number; email: string; warehouseId: number }> = {} as never
let ruleId = 0

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
const get = async (path: string) => (await p.http('GET', path, undefined, token)).body

const label = (en: string, zh: string) => ({ en, 'zh-CN': zh })
const vehicle = {
  type: 'object',
  'x-entity': { name: 'vehicle', plural: 'vehicles', table: 'vehicles', domain: 'inventory' },
  properties: {
    plate: { type: 'string', maxLength: 20, 'x-ui': { label: label('Plate', '车牌') } },
    warehouseId: {
      type: 'integer',
      'x-ref': { entity: 'warehouse' },
      'x-ui': { label: label('Warehouse', '仓库') },
    },
  },
  required: ['plate', 'warehouseId'],
  additionalProperties: false,
  'x-ui': {
    label: label('Vehicle', '车辆'),
    pluralLabel: label('Vehicles', '车辆'),
    titleField: 'plate',
    listColumns: ['plate', 'warehouseId'],
  },
}

beforeAll(async () => {
  ensureAdminBuilt()
  p = await startTestPlatform()
  token = await p.login()
  expect((await p.http('POST', '/api/entity-definitions', { definition: vehicle }, token)).status).toBe(201)
  for (const [key, code, plates] of [
    ['north', 'N-1', ['N-100', 'N-200']],
    ['south', 'S-1', ['S-300']],
  ] as const) {
    const w = await p.http('POST', '/api/warehouses', { code, name: `${key} depot` }, token)
    expect(w.status).toBe(201)
    for (const plate of plates)
      expect((await p.http('POST', '/api/vehicles', { plate, warehouseId: w.body.id }, token)).status).toBe(
        201,
      )
    const email = `${key}@rules.test`
    const u = await p.http(
      'POST',
      '/api/users',
      {
        email,
        name: `${key} keeper`,
        password: PASSWORD,
        roles: ['warehouse'],
        attributes: { warehouseId: w.body.id },
      },
      token,
    )
    expect(u.status).toBe(201)
    users[key] = { id: u.body.id as number, email, warehouseId: w.body.id as number }
  }
  browser = await launch()
}, 900_000)

afterAll(async () => {
  for (const c of contexts) await c.close()
  await browser?.close()
  await p?.close()
})

describe('permission rule builder', () => {
  let page: Page

  it('writes the rule in the editor, validated as it is typed, and saves it', async () => {
    page = await open({ width: 1440, height: 900 })
    await login(page, p.url, p.adminEmail, p.adminPassword)
    await page.goto(`${p.url}/admin/builder/rules`)
    await page.locator('[data-test="rule-admin-all"]').waitFor()
    await page.fill(input('rule-filter'), 'warehouse')
    await page.locator('[data-test="rule-admin-all"]').waitFor({ state: 'detached' })
    await shot(page, 'builder-rules-list-1440-en')
    await page.click('[data-test="new-rule"]')
    await page.fill(input('rule-name'), 'Bad Name')
    await pickOption(page, '[data-test="rule-entities"]', option('Vehicle (vehicle)'))
    await page.keyboard.press('Escape')
    // validation as you type: the name's pattern is refused on the name field
    await expect
      .poll(() => page.locator('.el-form-item:has([data-test="rule-name"]) .el-form-item__error').count())
      .toBe(1)
    await page.fill(input('rule-name'), 'warehouse-own-vehicles')
    await page.fill(input('rule-description'), 'Warehouse staff read the vehicles of their own warehouse')
    await pickOption(page, '[data-test="rule-roles"]', option('Warehouse'))
    await page.keyboard.press('Escape')
    await page.click('[data-test="action-find"]')
    await page.click('[data-test="action-get"]')
    await page.click('[data-test="add-row"]')
    await pickOption(page, '[data-test="row-0"] [data-test="row-field"]', option('Warehouse'))
    await expect.poll(() => page.locator('[data-test="validation"] .el-tag--success').count()).toBe(1)
    await shot(page, 'builder-rule-editor-1440-en')
    await page.click('[data-test="save-rule"]')
    await page.waitForURL(/\/admin\/builder\/rules\/\d+$/)
    ruleId = Number(page.url().split('/').pop())
    const saved = await get(`/api/rules/${ruleId}`)
    expect(saved.definition).toEqual({
      name: 'warehouse-own-vehicles',
      description: 'Warehouse staff read the vehicles of their own warehouse',
      effect: 'allow',
      entities: ['vehicle'],
      actions: ['find', 'get'],
      conditions: { all: [{ fact: 'user', path: '$.roles', operator: 'contains', value: 'warehouse' }] },
      row: { warehouseId: { $fact: 'user.attributes.warehouseId' } },
    })
  })

  it('versions a change; the history shows the diff and reverts', async () => {
    await pickOption(page, '[data-test="rule-hidden"]', option('Plate'))
    await page.keyboard.press('Escape')
    await expect.poll(() => page.locator('[data-test="validation"] .el-tag--success').count()).toBe(1)
    await page.click('[data-test="save-rule"]')
    await expect.poll(async () => (await get(`/api/rules/${ruleId}`)).version).toBe(2)
    await page.click('[data-test="version-1"] .el-collapse-item__header')
    await page.locator('[data-test="version-1"] .diff .del').first().waitFor()
    await page.click('[data-test="version-2"] .el-collapse-item__header')
    expect(await page.locator('[data-test="version-2"] .diff .add').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('"plate"')]),
    )
    await shot(page, 'builder-rule-history-1440-en')
    await page.click('[data-test="version-1"] [data-test="revert"]')
    await page.click('.el-message-box .el-button--primary')
    await expect.poll(async () => (await get(`/api/rules/${ruleId}`)).version).toBe(3)
    expect((await get(`/api/rules/${ruleId}`)).definition.fields).toBeUndefined()
    await page.locator('[data-test="version-3"]').waitFor()
  })

  it('explains the rule for two warehouse users', async () => {
    for (const key of ['north', 'south'] as const) {
      await page.goto(`${p.url}/admin/builder/rules?tab=explain`)
      await pickOption(page, '[data-test="explain-user"]', option(`${key} keeper <${users[key].email}>`))
      await pickOption(page, '[data-test="explain-entity"]', option('Vehicle'))
      await page.click('[data-test="explain-run"]')
      const find = page.locator('[data-test="explain-find"]')
      await find.waitFor()
      expect(await find.locator('[data-test="decision"]').textContent()).toContain('Allowed')
      expect(await find.locator('[data-test="matched"]').textContent()).toContain('warehouse-own-vehicles')
      expect(JSON.parse((await find.locator('[data-test="row"]').textContent()) ?? '')).toEqual({
        warehouseId: users[key].warehouseId,
      })
      expect(
        await page.locator('[data-test="explain-remove"] [data-test="decision"]').textContent(),
      ).toContain('Denied')
      if (key === 'north') await shot(page, 'builder-rules-explain-1440-en')
    }
  })

  it('shows the matrix; a cell links to the rule behind it', async () => {
    await page.goto(`${p.url}/admin/builder/rules?tab=matrix`)
    const cell = page.locator('[data-test="cell-vehicle-find"]')
    await cell.waitFor()
    expect(await cell.getAttribute('class')).toContain('rows')
    expect(await page.locator('[data-test="cell-vehicle-remove"]').getAttribute('class')).toContain('none')
    await cell.click()
    await page.locator('[data-test="matrix-rules"] a:text-is("warehouse-own-vehicles")').waitFor()
    await shot(page, 'builder-rules-matrix-1440-en')
  })

  it('each warehouse user sees the vehicles of their own warehouse only', async () => {
    for (const [key, plates] of [
      ['north', ['N-100', 'N-200']],
      ['south', ['S-300']],
    ] as const) {
      const own = await open({ width: 1440, height: 900 })
      await login(own, p.url, users[key].email, PASSWORD)
      await own.goto(`${p.url}/admin/e/vehicles`)
      await own.locator('[data-test="row-link"]').first().waitFor()
      const seen = (await own.locator('[data-test="row-link"].title-link').allTextContents())
        .map((s) => s.trim())
        .sort()
      expect(seen).toEqual([...plates])
      await shot(own, `builder-rules-list-as-${key}-1440-en`)
    }
  })

  it('reads in Chinese and fits a phone', async () => {
    for (const width of [1440, 390]) {
      const zh = await open({ width: 1440, height: 900 }, 'zh-CN')
      await login(zh, p.url, p.adminEmail, p.adminPassword)
      await zh.setViewportSize({ width, height: 900 })
      await zh.goto(`${p.url}/admin/builder/rules/${ruleId}`)
      await zh.locator('[data-test="rule-history"]').waitFor()
      await zh.waitForLoadState('networkidle')
      const texts = await zh
        .locator('.page-header h1, h2, .el-form-item__label, .el-button, .el-checkbox__label')
        .evaluateAll((els) => els.map((e) => (e as HTMLElement).innerText.trim()).filter(Boolean))
      expect(texts).toEqual(expect.arrayContaining(['适用对象', '适用的行', '历史版本']))
      for (const s of texts) expect(s.replace('warehouse-own-vehicles', ''), s).not.toMatch(/[A-Za-z]{3,}/)
      if (width === 390)
        expect(await zh.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
      await shot(zh, `builder-rule-editor-${width}-zh`)
      await zh.goto(`${p.url}/admin/builder/rules?tab=matrix`)
      await zh.locator('[data-test="cell-vehicle-find"]').waitFor()
      if (width === 390)
        expect(await zh.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
      await shot(zh, `builder-rules-matrix-${width}-zh`)
    }
  })
})
