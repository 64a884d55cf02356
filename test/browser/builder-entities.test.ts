/**
 * The entity builder (#17 items 1–2) in Chromium against a whole platform: create an entity
 * "vehicle" with a relation to warehouse, see it in the navigation and create a record; add a money
 * field and see it in the list and form; rename a field and see the data kept; preview and refuse a
 * destructive change, then confirm it; roll back (a lossy one is refused with the server's reason).
 * zh-CN reads in Chinese; at 390 px nothing scrolls sideways.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { ensureAdminBuilt, launch, login, pickOption, shot } from './browser.js'

let p: TestPlatform
let token: string
let browser: Browser
const contexts: BrowserContext[] = []
let warehouse: { id: number; name: string }

async function open(viewport: { width: number; height: number }, lang: 'en' | 'zh-CN' = 'en'): Promise<Page> {
  const ctx = await browser.newContext({ viewport, locale: 'en-US' })
  await ctx.addInitScript((l) => localStorage.setItem('plume.locale', l), lang)
  contexts.push(ctx)
  const page = await ctx.newPage()
  page.setDefaultTimeout(90_000)
  return page
}

/** The text box of an Element Plus input (its data-test lands on the box or on its wrapper). */
const input = (test: string) => `[data-test="${test}"] >> xpath=descendant-or-self::input`
/** Polls as long as a slow shared machine needs (PostgreSQL applies take seconds there), asserting the same. */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 90_000, interval: 250 })
const get = async (path: string) => (await p.http('GET', path, undefined, token)).body

/** Adds a field through the field dialog. */
async function addField(
  page: Page,
  f: { name: string; kind: string; en: string; zh: string; target?: string },
): Promise<void> {
  await page.click('[data-test="add-field"]')
  await page.fill(input('fd-name'), f.name)
  await pickOption(page, '[data-test="fd-kind"]', `[data-test="kind-${f.kind}"]`)
  await page.fill(input('fd-label-en'), f.en)
  await page.fill(input('fd-label-zh'), f.zh)
  if (f.target) {
    await pickOption(page, '[data-test="fd-target"]', `[data-test="target-${f.target}"]`)
    await page.locator('[data-test="fd-target-title"]').waitFor()
  }
  await page.locator('[data-test="fd-widget-options"]').waitFor()
  await page.click('[data-test="fd-ok"]')
  await page.locator(`[data-test="row-${f.name}"]`).waitFor()
}

/** Previews the draft; `confirm` ticks those destructive steps; applies and waits for the new version. */
async function previewAndApply(page: Page, expectIn: string, confirm: string[] = []): Promise<void> {
  const before = (await get('/api/entity-definitions/vehicle')).version as number
  await page.click('[data-test="preview"]')
  await page.locator(`[data-test="${expectIn}"]`).waitFor()
  for (const step of confirm) await page.click(`[data-test="confirm-${step}"]`)
  await page.click('[data-test="plan-apply"]')
  await poll(async () => (await get('/api/entity-definitions/vehicle')).version).toBeGreaterThan(before)
  await page.locator('[data-test="plan-apply"]').waitFor({ state: 'hidden' })
  await poll(() => page.locator('[data-test="dirty"]').count()).toBe(0)
}

beforeAll(async () => {
  ensureAdminBuilt()
  p = await startTestPlatform()
  token = await p.login()
  const w = await p.http('POST', '/api/warehouses', { code: 'BLD-1', name: 'Builder Depot' }, token)
  expect(w.status).toBe(201)
  warehouse = { id: w.body.id as number, name: 'Builder Depot' }
  browser = await launch()
}, 600_000)

afterAll(async () => {
  for (const c of contexts) await c.close()
  await browser?.close()
  await p?.close()
})

describe('entity builder', () => {
  let page: Page

  it('creates "vehicle" with a relation to warehouse; it shows in the navigation and takes a record', async () => {
    page = await open({ width: 1440, height: 900 })
    await login(page, p.url, p.adminEmail, p.adminPassword)
    await page.click('[data-test="nav-builder-entities"]')
    await page.waitForSelector('[data-test="entity-warehouse"]')
    expect(await page.locator('[data-test="owner-warehouse"]').innerText()).toBe('Plugin: inventory')
    expect(await page.locator('[data-test="owner-user"]').innerText()).toBe('Core')
    await shot(page, 'builder-entities')

    await page.click('[data-test="new-entity"]')
    await page.fill(input('ne-name'), 'vehicle')
    await page.fill(input('ne-label-en'), 'Vehicle')
    await page.fill(input('ne-label-zh'), '车辆')
    await page.click('[data-test="ne-submit"]')
    await page.waitForSelector('[data-test="builder-entity"] [data-test="row-name"]')
    expect((await get('/api/entity-definitions/vehicle')).ownership).toEqual({ kind: 'custom' })

    await addField(page, {
      name: 'warehouseId',
      kind: 'relation',
      en: 'Warehouse',
      zh: '仓库',
      target: 'warehouse',
    })
    await shot(page, 'builder-entity-fields')
    await previewAndApply(page, 'plan-added')

    // the menu follows without a reload
    const nav = page.locator('[data-test="nav-vehicle"]')
    await nav.waitFor({ state: 'attached' })
    if (!(await nav.isVisible())) await page.click('[data-test="nav-domain-custom"]')
    await nav.click()
    await page.waitForSelector('[data-test="list-vehicle"]')
    await page.click('[data-test="create"]')
    await page.fill('#field-name', 'Truck 1')
    await page.click('[data-test="field-warehouseId"] .el-select')
    await page
      .locator('.el-select-dropdown__item', { hasText: warehouse.name })
      .locator('visible=true')
      .first()
      .click()
    await page.click('[data-test="save"]')
    await poll(async () => (await get('/api/vehicles')).data).toMatchObject([
      { name: 'Truck 1', warehouseId: warehouse.id },
    ])
  })

  it('adds a money field: it shows in the list and on the form', async () => {
    await page.goto(`${p.url}/admin/builder/entities/vehicle`)
    await page.waitForSelector('[data-test="row-warehouseId"]')
    await addField(page, { name: 'price', kind: 'money', en: 'Price', zh: '价格' })
    // price goes before the warehouse on the form
    await page.click('[data-test="up-price"]')
    await page.click('#tab-layout')
    await pickOption(page, '[data-test="ly-columns"]', '[data-test="col-price"]')
    await page.keyboard.press('Escape')
    await shot(page, 'builder-entity-layout')
    await previewAndApply(page, 'plan-added')
    const def = await get('/api/entity-definitions/vehicle')
    expect(def.definition.properties.price).toMatchObject({ 'x-type': 'money' })
    expect(def.definition['x-ui'].listColumns).toEqual(['name', 'price'])

    await page.click('[data-test="open-list"]')
    await page.waitForSelector('[data-test="list-vehicle"]')
    await page.locator('[data-test="list-vehicle"] th', { hasText: 'Price' }).first().waitFor()
    const id = ((await get('/api/vehicles')).data as Array<{ id: number }>)[0]!.id
    await page.goto(`${p.url}/admin/e/vehicles/${id}/edit`)
    await page.locator('#field-price').waitFor()
    const order = await page
      .locator('[data-test^="field-"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-test') ?? ''))
    expect(order.filter((x) => ['field-name', 'field-price', 'field-warehouseId'].includes(x))).toEqual([
      'field-name',
      'field-price',
      'field-warehouseId',
    ])
    await page.fill('#field-price', '12500.50')
    await page.click('[data-test="save"]')
    await poll(async () => (await get(`/api/vehicles/${id}`)).price).toBe('12500.50')
  })

  it('renames a field: the values are kept', async () => {
    await page.goto(`${p.url}/admin/builder/entities/vehicle`)
    await page.click('[data-test="edit-field-name"]')
    await page.fill(input('fd-name'), 'plate')
    await page.click('[data-test="fd-ok"]')
    await page.locator('[data-test="row-plate"]').waitFor()
    // leaving with changes not applied asks first; "Stay" keeps the draft
    await page.click('[data-test="back"]')
    await page.locator('.el-message-box__message', { hasText: 'not applied' }).waitFor()
    await page.click('.el-message-box__btns .el-button:not(.el-button--primary)')
    await page.locator('[data-test="row-plate"]').waitFor()
    await previewAndApply(page, 'plan-renamed')
    expect((await get('/api/vehicles')).data).toMatchObject([{ plate: 'Truck 1', price: '12500.50' }])
    expect((await get('/api/entity-definitions/vehicle')).definition['x-ui'].titleField).toBe('plate')
  })

  it('a destructive change is previewed, refused, then confirmed', async () => {
    await page.click('[data-test="retire-price"]')
    await page.locator('[data-test="retired-price"]').waitFor()
    await page.click('[data-test="preview"]')
    await page.locator('[data-test="plan-dropped"]').waitFor()
    expect(await page.locator('[data-test="plan-lost"]').innerText()).toContain('price')
    // not ticked: cannot apply
    expect(await page.locator('[data-test="plan-apply"]').isDisabled()).toBe(true)
    await shot(page, 'builder-entity-preview')
    await page.click('[data-test="preview-dialog"] .el-button:has-text("Cancel")')
    expect((await get('/api/vehicles')).data[0].price).toBe('12500.50')
    await previewAndApply(page, 'plan-dropped', ['drop-column:price'])
    expect((await get('/api/vehicles')).data[0]).not.toHaveProperty('price')
  })

  it('rolls back a change; a rollback that would lose data is refused with the reason', async () => {
    await addField(page, { name: 'colour', kind: 'text', en: 'Colour', zh: '颜色' })
    await previewAndApply(page, 'plan-added')
    const versions = (await get('/api/entity-definitions/vehicle/versions')) as Array<{ version: number }>
    const last = Math.max(...versions.map((v) => v.version))
    await page.click('#tab-history')
    await page.locator(`[data-test="version-${last}"]`).waitFor()
    await page.click(`[data-test="rollback-${last}"]`)
    await page.click('.el-message-box__btns .el-button--primary')
    // the rollback drops the column added since: the screen asks for that step by name
    await page.locator('.el-message-box__message', { hasText: 'drop-column:colour' }).waitFor()
    await page.click('.el-message-box__btns .el-button--primary')
    await poll(async () =>
      Object.keys((await get('/api/entity-definitions/vehicle')).definition.properties),
    ).toEqual(['plate', 'warehouseId'])

    // the drop of price (with values) cannot be undone
    await page.locator(`[data-test="version-${last - 1}"]`).waitFor()
    await page.click(`[data-test="rollback-${last - 1}"]`)
    await page.click('.el-message-box__btns .el-button--primary')
    const refused = page.locator('[data-test="rollback-refused"]')
    await refused.waitFor()
    expect(await refused.innerText()).toMatch(/price/)
    await shot(page, 'builder-entity-history')
  })

  it('a preview made stale by another change asks to preview again, and the new plan shows that change', async () => {
    await page.click('#tab-fields')
    await addField(page, { name: 'note', kind: 'text', en: 'Note', zh: '备注' })
    await page.click('[data-test="preview"]')
    await page.locator('[data-test="plan-added"]').waitFor()
    // meanwhile someone else adds a field through the API
    const def = (await get('/api/entity-definitions/vehicle')).definition
    def.properties.remark = {
      type: ['string', 'null'],
      maxLength: 100,
      'x-ui': { label: { en: 'Remark', 'zh-CN': '备注说明' } },
    }
    expect(
      (await p.http('PATCH', '/api/entity-definitions/vehicle', { definition: def }, token)).status,
    ).toBe(200)
    await page.click('[data-test="plan-apply"]')
    await page.locator('[data-test="plan-stale"]').waitFor()
    await page.click('[data-test="plan-again"]')
    // the draft does not have remark: the new plan would drop it, and asks for that step
    await page.locator('[data-test="confirm-drop-column:remark"]').waitFor()
    expect(await page.locator('[data-test="plan-apply"]').isDisabled()).toBe(true)
    await page.click('[data-test="preview-dialog"] .el-button:has-text("Cancel")')
    await page.click('[data-test="discard"]')
    await page.locator('[data-test="row-remark"]').waitFor()
    expect(Object.keys((await get('/api/entity-definitions/vehicle')).definition.properties).sort()).toEqual([
      'plate',
      'remark',
      'warehouseId',
    ])
  })

  it('zh-CN reads in Chinese; at 390 px nothing scrolls sideways', async () => {
    for (const [lang, width] of [
      ['zh-CN', 1440],
      ['zh-CN', 390],
      ['en', 390],
    ] as const) {
      const pg = await open({ width: 1440, height: 900 }, lang)
      await login(pg, p.url, p.adminEmail, p.adminPassword)
      await pg.setViewportSize({ width, height: 900 })
      for (const [path, test, name] of [
        ['builder/entities', 'builder-entities', 'builder-entities'],
        ['builder/entities/vehicle', 'row-plate', 'builder-entity-fields'],
      ] as const) {
        await pg.goto(`${p.url}/admin/${path}`)
        await pg.waitForSelector(`[data-test="${test}"]`)
        await pg.waitForLoadState('networkidle')
        if (lang === 'zh-CN') {
          const texts = await pg
            .locator('.page-header h1, .el-button, .el-tabs__item, .page > p.muted')
            .evaluateAll((els) => els.map((e) => (e as HTMLElement).innerText.trim()).filter(Boolean))
          for (const s of texts)
            expect(s, s).not.toMatch(
              /\b(Entities|Edit|Preview|Fields|Add|Discard|Open list|Version|New entity)\b/,
            )
        }
        if (width === 390)
          expect(await pg.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
        if (lang === 'zh-CN' || width === 390) await shot(pg, `${name}-${lang}-${width}`)
      }
      if (lang === 'zh-CN' && width === 1440) {
        await pg.click('[data-test="add-field"]')
        await pg.locator('[data-test="fd-ok"]').waitFor()
        await shot(pg, 'builder-entity-field-dialog-zh-CN-1440')
      }
    }
  })
})
