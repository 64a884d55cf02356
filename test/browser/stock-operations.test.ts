/**
 * The stock operations screen (plugins/inventory/admin) in Chromium against a whole platform:
 * a receipt of two lines entered by SKU with the keyboard, a transfer and an adjustment change
 * the stock levels; an unknown SKU is named; zh-CN at 390 px has no English and no sideways scroll.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { ensureAdminBuilt, launch, login, shot } from './browser.js'
import { loginNarrow } from './phone.js'

const onHand = async (p: TestPlatform, sku: string, warehouse: string) => {
  const row = (await p.db
    .knex('stock_levels')
    .join('products', 'products.id', 'stock_levels.productId')
    .join('warehouses', 'warehouses.id', 'stock_levels.warehouseId')
    .where({ 'products.sku': sku, 'warehouses.code': warehouse })
    .first('onHand')) as { onHand: number } | undefined
  return row ? Number(row.onHand) : 0
}

async function pickWarehouse(page: Page, picker: string, name: string): Promise<void> {
  await page.click(`[data-test="${picker}"]`)
  await page.keyboard.type(name.split(' ')[0]!)
  const option = page.locator(`.el-select-dropdown__item:has-text("${name}")`).locator('visible=true').first()
  await option.waitFor()
  await option.click()
}

async function line(page: Page, i: number, sku: string, qty: number): Promise<void> {
  await page.fill(`[data-test="stock-sku-${i}"] input`, sku)
  await page.press(`[data-test="stock-sku-${i}"] input`, 'Enter')
  await page.waitForFunction(
    (n) => document.activeElement?.closest(`[data-test="stock-qty-${n}"]`) !== null,
    i,
  )
  await page.keyboard.type(String(qty))
  await page.keyboard.press('Enter')
}

describe('stock operations screen', () => {
  let p: TestPlatform
  let browser: Browser
  const pageErrors: string[] = []

  beforeAll(async () => {
    ensureAdminBuilt()
    p = await startTestPlatform()
    const svc = (n: string) => p.app.service(`api/${n}`)
    await svc('warehouses').create({ code: 'W1', name: 'Main warehouse' })
    await svc('warehouses').create({ code: 'W2', name: 'South warehouse' })
    const cat = (await svc('product-categories').create({ code: 'C1', name: 'Tools' })) as { id: number }
    await svc('products').create({ sku: 'SKU-1', name: 'Drill', categoryId: cat.id, listPrice: '99.00' })
    await svc('products').create({ sku: 'SKU-2', name: 'Saw', categoryId: cat.id, listPrice: '45.00' })
    browser = await launch()
  })
  afterAll(async () => {
    await browser?.close()
    await p?.close()
  })

  it('receives two lines by SKU with the keyboard, then transfers and adjusts', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' })
    const page = await ctx.newPage()
    page.setDefaultTimeout(120_000)
    page.on('pageerror', (err) => pageErrors.push(String(err)))
    await login(page, p.url, p.adminEmail, p.adminPassword)
    await page.goto(`${p.url}/admin/x/inventory/stock-operations`)
    await page.waitForSelector('[data-test="stock-operations"]')
    await pickWarehouse(page, 'stock-warehouse', 'Main warehouse')
    await page.fill('[data-test="stock-reference"] input', 'DN-1')
    await line(page, 0, 'SKU-1', 10)
    await line(page, 1, 'SKU-2', 4)
    await page.fill('[data-test="stock-sku-2"] input', 'NOPE')
    await page.press('[data-test="stock-sku-2"] input', 'Enter')
    await page.waitForSelector('[data-test="stock-line-2"] .product.bad')
    expect(await page.locator('[data-test="stock-line-2"] .product').innerText()).toContain(
      'No product with SKU NOPE',
    )
    await shot(page, 'stock-receipt-1440-en')
    await page.click('[data-test="stock-post"]')
    await page.waitForSelector('[data-test="stock-message-success"]')
    expect([await onHand(p, 'SKU-1', 'W1'), await onHand(p, 'SKU-2', 'W1')]).toEqual([10, 4])

    await page.click('[data-test="stock-kind"] >> text=Transfer')
    await pickWarehouse(page, 'stock-from', 'Main warehouse')
    await pickWarehouse(page, 'stock-to', 'South warehouse')
    await line(page, 0, 'SKU-1', 3)
    await page.click('[data-test="stock-post"]')
    await page.waitForSelector('[data-test="stock-message-success"]')
    expect([await onHand(p, 'SKU-1', 'W1'), await onHand(p, 'SKU-1', 'W2')]).toEqual([7, 3])

    // the lines travel in one request, written in one transaction: an oversold second line moves nothing
    const posts: string[] = []
    page.on(
      'request',
      (r) => void (r.method() === 'POST' && r.url().includes('/api/stock-transfers') && posts.push(r.url())),
    )
    await line(page, 0, 'SKU-1', 1)
    await line(page, 1, 'SKU-2', 999)
    await page.click('[data-test="stock-post"]')
    await page.waitForSelector('[data-test="stock-message-error"]')
    expect(await page.locator('[data-test="stock-message-error"]').innerText()).toMatch(
      /Line 2: .*Nothing was posted/s,
    )
    expect(posts).toHaveLength(1)
    expect([await onHand(p, 'SKU-1', 'W1'), await onHand(p, 'SKU-1', 'W2')]).toEqual([7, 3])
    await page.click('[data-test="stock-line-1"] >> button')
    await page.click('[data-test="stock-line-0"] >> button')

    await page.click('[data-test="stock-kind"] >> text=Adjustment')
    await pickWarehouse(page, 'stock-warehouse', 'Main warehouse')
    await line(page, 0, 'SKU-2', -1)
    await page.click('[data-test="stock-post"]')
    await page.waitForSelector('[data-test="stock-message-error"]')
    expect(await page.locator('[data-test="stock-message-error"]').innerText()).toContain('reason')
    await page.fill('[data-test="stock-note"] input', 'broken in count')
    await page.click('[data-test="stock-post"]')
    await page.waitForSelector('[data-test="stock-message-success"]')
    expect(await onHand(p, 'SKU-2', 'W1')).toBe(3)
    expect(pageErrors).toEqual([])
    await ctx.close()
  })

  it('in Chinese at 390 px: no English on screen and no sideways scroll', async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' })
    const page = await ctx.newPage()
    page.setDefaultTimeout(120_000)
    await loginNarrow(page, p.url, p.adminEmail, p.adminPassword)
    await page.goto(`${p.url}/admin/x/inventory/stock-operations`)
    await page.waitForSelector('[data-test="stock-operations"]')
    await page.fill('[data-test="stock-sku-0"] input', 'NOPE')
    await page.press('[data-test="stock-sku-0"] input', 'Enter')
    await page.waitForSelector('[data-test="stock-line-0"] .product.bad')
    await shot(page, 'stock-operations-390-zh')
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    const text = await page.locator('[data-test="stock-operations"]').innerText()
    expect(text.replace(/NOPE/g, '').match(/[A-Za-z]{2,}/g) ?? []).toEqual([])
    await ctx.close()
  })
})
