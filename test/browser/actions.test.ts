/**
 * Actions that fit the record (#15), in Chromium against a whole platform: only the actions the
 * server allows now show, per state and per role; ship asks for carrier, tracking number and
 * quantities and the order shows them; a second browser sees a state change live; zh-CN shows
 * no English in the actions, their dialog and their errors; 390 px scrolls nothing sideways.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { client, created, loopFixture, type Api, type LoopFixture } from '../orders/fixtures.js'
import { ensureAdminBuilt, launch, login, shot } from './browser.js'

let p: TestPlatform
let f: LoopFixture
let api: Api
let browser: Browser
const contexts: BrowserContext[] = []

async function open(viewport: { width: number; height: number }, lang: 'en' | 'zh-CN' = 'en'): Promise<Page> {
  const ctx = await browser.newContext({ viewport, locale: 'en-US' })
  await ctx.addInitScript((l) => localStorage.setItem('plume.locale', l), lang)
  contexts.push(ctx)
  const page = await ctx.newPage()
  // the machines are shared and slow at times: wait longer, assert the same
  page.setDefaultTimeout(90_000)
  return page
}

/** A draft order of the fixture's customer with one or two lines. */
async function draft(lines = 1): Promise<number> {
  const id = await created(api, '/api/orders', { customerId: f.customerId, warehouseId: f.warehouseId })
  await created(api, '/api/order-lines', { orderId: id, productId: f.products.widget, quantity: 4 })
  if (lines > 1)
    await created(api, '/api/order-lines', { orderId: id, productId: f.products.gadget, quantity: 2 })
  return id
}
async function to(id: number, ...steps: string[]): Promise<void> {
  for (const s of steps) expect((await api('POST', `/api/orders/${id}/${s}`, {})).status).toBe(201)
}

/** The action buttons on the open detail screen, once they have loaded. */
async function shownActions(page: Page): Promise<string[]> {
  await page.waitForSelector('[data-test="record-actions"]:not([aria-busy="true"])')
  const tests = await page
    .locator('[data-test="record-actions"] [data-test^="action-"]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-test') ?? ''))
  return tests.map((t) => t.replace(/^action-/, ''))
}
const serverActions = async (id: number, token: string) =>
  (
    (await p.http('GET', `/api/orders/${id}/actions`, undefined, token)).body.actions as Array<{
      name: string
    }>
  ).map((a) => a.name)

beforeAll(async () => {
  ensureAdminBuilt()
  p = await startTestPlatform()
  f = await loopFixture(p, 'ACT')
  api = client(p, f.token)
  browser = await launch()
}, 600_000)

afterAll(async () => {
  for (const c of contexts) await c.close()
  await browser?.close()
  await p?.close()
})

describe('actions that fit the record', () => {
  it('staff see only the actions allowed in each state, refreshed after each action', async () => {
    const id = await draft()
    const page = await open({ width: 1440, height: 900 })
    await login(page, p.url, p.adminEmail, p.adminPassword)
    await page.goto(`${p.url}/admin/e/orders/${id}`)
    const onDraft = await shownActions(page)
    expect(onDraft).toEqual(await serverActions(id, f.token))
    expect(onDraft).toEqual(expect.arrayContaining(['submit', 'cancel']))
    for (const never of ['approve', 'ship', 'deliver', 'close', 'release-credit-hold'])
      expect(onDraft).not.toContain(never)
    await shot(page, 'actions-draft')
    await page.click('[data-test="action-submit"]')
    await page.waitForSelector('[data-test="action-approve"]')
    const onSubmitted = await shownActions(page)
    expect(onSubmitted).toEqual(await serverActions(id, f.token))
    expect(onSubmitted).not.toContain('submit')
    expect(onSubmitted).not.toContain('ship')
  })

  it('a partner user sees only what their role may do: submit their draft, never approve or cancel', async () => {
    const id = await draft()
    const page = await open({ width: 1440, height: 900 })
    await login(page, p.url, f.partnerEmail, f.partnerPassword)
    const partnerToken = await p.login(f.partnerEmail, f.partnerPassword)
    await page.goto(`${p.url}/admin/e/orders/${id}`)
    // partner users submit; cancelling is for partner admins and staff (docs/orders.md)
    expect(await shownActions(page)).toEqual(['submit'])
    expect(await serverActions(id, partnerToken)).toEqual(['submit'])
    await shot(page, 'actions-partner')
    await to(id, 'submit')
    // the staff change reaches the partner's open screen: approve is not theirs to press
    await page.waitForSelector('[data-test="action-submit"]', { state: 'detached' })
    await page.waitForSelector('[data-test="no-actions"]')
    expect(await shownActions(page)).toEqual([])
    expect(await serverActions(id, partnerToken)).toEqual([])
  })

  it('ship asks for carrier, tracking number and the quantity per line; the order shows them', async () => {
    const id = await draft(2)
    await to(id, 'submit', 'approve')
    const page = await open({ width: 1440, height: 900 })
    await login(page, p.url, p.adminEmail, p.adminPassword)
    await page.goto(`${p.url}/admin/e/orders/${id}`)
    await page.click('[data-test="action-ship"]')
    await page.waitForSelector('[data-test="action-dialog"] [data-test="action-rows-lines"]')
    const lines = (await api('GET', `/api/order-lines?orderId=${id}&$sort[id]=1`)).body.data as Array<{
      id: number
    }>
    expect(
      await page.locator('[data-test="action-dialog"] [data-test^="action-row-"][class~="row"]').count(),
    ).toBe(2)
    await page.fill('#action-field-carrier', 'SF Express')
    await page.fill('#action-field-trackingNumber', 'SF1234567890')
    const qty = page.locator(`[data-test="action-row-${lines[0]!.id}-quantity"] input`)
    await qty.fill('3')
    await qty.blur()
    await shot(page, 'actions-ship-dialog')
    await page.click('[data-test="action-confirm"]')
    await page.waitForSelector('[data-test="action-dialog"]', { state: 'hidden' })
    await expect
      .poll(() => page.locator('[data-test="value-trackingNumber"]').innerText())
      .toContain('SF1234567890')
    await expect(page.locator('[data-test="value-carrier"]').innerText()).resolves.toContain('SF Express')
    const saved = (await api('GET', `/api/order-lines?orderId=${id}&$sort[id]=1`)).body.data as Array<{
      shippedQuantity: number
    }>
    expect(saved.map((l) => l.shippedQuantity)).toEqual([3, 2])
    expect(await shownActions(page)).toEqual(await serverActions(id, f.token))
    await shot(page, 'actions-shipped')
  })

  it('a second browser sees the state change live, on the detail and in the list', async () => {
    const id = await draft()
    await to(id, 'submit', 'approve')
    const a = await open({ width: 1440, height: 900 })
    const b = await open({ width: 1440, height: 900 })
    const c = await open({ width: 1440, height: 900 })
    for (const page of [a, b, c]) await login(page, p.url, p.adminEmail, p.adminPassword)
    await a.goto(`${p.url}/admin/e/orders/${id}`)
    await b.goto(`${p.url}/admin/e/orders/${id}`)
    const number = (await api('GET', `/api/orders/${id}`)).body.number as string
    await c.goto(`${p.url}/admin/e/orders?f.customerId=${f.customerId}`)
    await c.waitForSelector(`text=${number}`)
    await b.waitForSelector('[data-test="action-ship"]')
    await a.click('[data-test="action-ship"]')
    await a.click('[data-test="action-confirm"]')
    // b never reloaded: the realtime `patched` event updates its fields and its actions
    await expect
      .poll(() => b.locator('[data-test="value-status"]').innerText(), { timeout: 15_000 })
      .toContain('Shipped')
    await b.waitForSelector('[data-test="action-deliver"]')
    expect(await b.locator('[data-test="action-ship"]').count()).toBe(0)
    await expect
      .poll(() => c.locator(`tr:has-text("${number}")`).innerText(), { timeout: 15_000 })
      .toContain('Shipped')
    await shot(b, 'actions-live-second-browser')
  })
})

describe('zh-CN and phone', () => {
  it('the actions, the ship dialog and a refusal read in Chinese, with no English', async () => {
    const id = await draft()
    await to(id, 'submit', 'approve')
    const page = await open({ width: 1440, height: 900 }, 'zh-CN')
    await login(page, p.url, p.adminEmail, p.adminPassword)
    await page.goto(`${p.url}/admin/e/orders/${id}`)
    await page.waitForSelector('[data-test="action-ship"]')
    expect(await page.locator('[data-test="record-actions"]').innerText()).not.toMatch(/[A-Za-z]/)
    await page.click('[data-test="action-ship"]')
    const dialog = page.locator('[data-test="action-dialog"]')
    await dialog.locator('[data-test="action-rows-lines"]').waitFor()
    await shot(page, 'actions-ship-dialog-zh')
    // every label, hint and button of the dialog; the product names are data
    const texts = await dialog
      .locator('.el-dialog__title, .el-form-item__label, p.muted, h3, .el-button, .row .muted')
      .allInnerTexts()
    expect(texts.join(' ')).not.toMatch(/[A-Za-z]/)
    // meanwhile someone else ships it: the refusal names the state and the action in Chinese
    await to(id, 'ship')
    await page.click('[data-test="action-confirm"]')
    const message = page.locator('.el-message--error').first()
    await message.waitFor()
    expect(await message.innerText()).toContain('已发货')
    expect(await message.innerText()).not.toMatch(/[A-Za-z]/)
    await shot(page, 'actions-refused-zh')
  })

  it('at 390 px the detail screen with its actions scrolls nothing sideways (en and zh-CN)', async () => {
    const id = await draft(2)
    await to(id, 'submit', 'approve')
    for (const lang of ['en', 'zh-CN'] as const) {
      // signed in wide (the menu is folded away on a phone), then the phone's width
      const page = await open({ width: 1440, height: 900 }, lang)
      await login(page, p.url, p.adminEmail, p.adminPassword)
      await page.setViewportSize({ width: 390, height: 844 })
      await page.goto(`${p.url}/admin/e/orders/${id}`)
      await page.waitForSelector('[data-test="action-ship"]')
      await page.waitForTimeout(300)
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
      await shot(page, `actions-detail-390-${lang}`)
      await page.click('[data-test="action-ship"]')
      await page.locator('[data-test="action-dialog"] [data-test="action-rows-lines"]').waitFor()
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
      await shot(page, `actions-ship-dialog-390-${lang}`)
    }
  })
})
