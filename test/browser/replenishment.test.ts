/**
 * The replenishment screen (plugins/purchasing/admin) in Chromium against a whole platform: two
 * years of weekly shipments of 10 units and 20 on hand suggest ordering 24 (the MOQ); the buyer
 * selects the row, creates the draft purchase order, follows its link and sees the draft; zh-CN
 * shows no English; 390 px has no sideways scroll.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { ensureAdminBuilt, launch, login, shot } from './browser.js'
import { loginNarrow } from './phone.js'

const PRODUCT = 'Cordless drill'
const SUPPLIER = 'Acme Tools'
const WAREHOUSE = 'Main warehouse'
const ORPHAN = 'Hand saw'

async function openScreen(page: Page, base: string): Promise<void> {
  await page.goto(`${base}/admin/x/purchasing/replenishment`)
  await page.waitForSelector('[data-test="replenishment-table"]')
  await page.waitForSelector(`[data-test="replenishment-product"]:has-text("${PRODUCT}")`)
}

describe('replenishment screen', () => {
  let p: TestPlatform
  let browser: Browser
  const pageErrors: string[] = []

  beforeAll(async () => {
    ensureAdminBuilt()
    p = await startTestPlatform()
    const svc = (n: string) => p.app.service(`api/${n}`)
    const warehouse = (await svc('warehouses').create({ code: 'W1', name: WAREHOUSE })) as { id: number }
    const cat = (await svc('product-categories').create({ code: 'C1', name: 'Tools' })) as { id: number }
    const product = (await svc('products').create({
      sku: 'DR-1',
      name: PRODUCT,
      categoryId: cat.id,
      listPrice: '99.00',
      cost: '0.00',
    })) as { id: number }
    const supplier = (await svc('suppliers').create({ code: 'ACME', name: SUPPLIER, leadTimeDays: 10 })) as {
      id: number
    }
    await svc('supplier-items').create({
      supplierId: supplier.id,
      productId: product.id,
      supplierSku: 'R-1',
      price: '4.0000',
      packSize: 12,
      moq: 24,
      leadTimeDays: 14,
      preferred: true,
    })
    await svc('stock-receipts').create({ productId: product.id, warehouseId: warehouse.id, quantity: 20 })
    // a product shipped every week but bought from no supplier: its draft is refused
    const orphan = (await svc('products').create({
      sku: 'SAW-1',
      name: ORPHAN,
      categoryId: cat.id,
      listPrice: '20.00',
      cost: '0.00',
    })) as { id: number }
    await svc('warehouses').create({ code: 'W2', name: 'South warehouse' })
    // two years of shipment history in the ledger: 10 units every week
    const week = 7 * 86_400_000
    const thisWeek = Math.floor(Date.now() / week) * week
    const history = (productId: number) =>
      Array.from({ length: 104 }, (_, i) => ({
        productId,
        warehouseId: warehouse.id,
        quantity: -10,
        kind: 'shipment',
        occurredAt: new Date(thisWeek - (104 - i) * week + 3_600_000).toISOString(),
        reference: 'history',
      }))
    await p.db.knex('stock_movements').insert([...history(product.id), ...history(orphan.id)])
    browser = await launch()
  })
  afterAll(async () => {
    await browser?.close()
    await p?.close()
  })

  /** A signed-in page at this width and language (phone widths sign in without the menu). */
  async function signedIn(
    width: number,
    locale: string,
  ): Promise<{ page: Page; close: () => Promise<void> }> {
    const ctx = await browser.newContext({ viewport: { width, height: 900 }, locale })
    const page = await ctx.newPage()
    page.setDefaultTimeout(120_000)
    page.on('pageerror', (err) => pageErrors.push(String(err)))
    await (width < 600 ? loginNarrow : login)(page, p.url, p.adminEmail, p.adminPassword)
    return { page, close: () => ctx.close() }
  }

  it('lists the suggestion with titles, drafts a purchase order from the selected row and links to it', async () => {
    const { page, close } = await signedIn(1440, 'en-US')
    await page.click('[data-test="nav"] >> text=Replenishment')
    await openScreen(page, p.url)
    const row = page.locator('[data-test="replenishment-table"] .el-table__body tr', { hasText: PRODUCT })
    await expect.poll(async () => row.innerText()).toContain(SUPPLIER)
    expect(await row.locator('[data-test="replenishment-qty"] input').inputValue()).toBe('24')
    // the forecast method and demand class as labels, not codes
    expect(await row.innerText()).not.toMatch(
      /seasonalNaive|holtWinters|\bses\b|\bholt\b|\bcroston\b|\bsba\b|\btsb\b|\bsmooth\b/,
    )
    expect(await row.innerText()).toContain('Smooth')
    expect(await row.innerText()).toContain('3 wk')
    await shot(page, 'replenishment-1440-en')

    await row.locator('.el-checkbox').click()
    await page.click('[data-test="replenishment-create"]')
    const link = page.locator('[data-test="replenishment-draft-link"]').first()
    await link.waitFor()
    const drafts = (await p.db.knex('purchase_orders').select('id', 'status', 'number')) as Array<{
      id: number
      status: string
      number: string
    }>
    expect(drafts).toHaveLength(1)
    expect(drafts[0]!.status).toBe('draft')
    expect(await link.innerText()).toBe(drafts[0]!.number)
    const lines = (await p.db
      .knex('purchase_order_lines')
      .where({ purchaseOrderId: drafts[0]!.id })
      .select('quantity')) as Array<{ quantity: number }>
    expect(lines.map((l) => Number(l.quantity))).toEqual([24])
    await shot(page, 'replenishment-created-1440-en')

    await link.click()
    await page.waitForURL(`**/admin/e/purchase-orders/${drafts[0]!.id}`)
    await page.waitForSelector('[data-test="detail-purchaseOrder"] [data-test="value-status"]')
    expect(await page.locator('[data-test="value-status"]').innerText()).toContain('Draft')
    expect(pageErrors).toEqual([])
    await close()
  })

  it('names a refusal (a product without supplier) and says when there is nothing to order', async () => {
    const { page, close } = await signedIn(1440, 'en-US')
    await openScreen(page, p.url)
    const row = page.locator('[data-test="replenishment-table"] .el-table__body tr', { hasText: ORPHAN })
    expect(await row.innerText()).toContain('no supplier')
    const before = ((await p.db.knex('purchase_orders').count({ n: '*' }).first()) as { n: number | string })
      .n
    await row.locator('.el-checkbox').click()
    await page.click('[data-test="replenishment-create"]')
    const error = page.locator('[data-test="replenishment-create-error"]')
    await error.waitFor()
    expect(await error.innerText()).toMatch(/were not created: .*supplier/)
    expect(((await p.db.knex('purchase_orders').count({ n: '*' }).first()) as { n: number | string }).n).toBe(
      before,
    )

    await page.click('[data-test="replenishment-warehouse"]')
    await page.keyboard.type('South')
    const option = page
      .locator('.el-select-dropdown__item:has-text("South warehouse")')
      .locator('visible=true')
      .first()
    await option.waitFor()
    await option.click()
    await page.waitForSelector('[data-test="replenishment-empty"]')
    expect(await page.locator('[data-test="replenishment-empty"]').innerText()).toContain('Nothing to order')
    await close()
  })

  for (const width of [1440, 390]) {
    it(`in Chinese at ${width} px: no English on the screen${width === 390 ? ' and no sideways scroll' : ''}`, async () => {
      const { page, close } = await signedIn(width, 'zh-CN')
      await openScreen(page, p.url)
      await shot(page, `replenishment-${width}-zh`)
      const text = await page.locator('[data-test="replenishment"]').innerText()
      expect(
        text
          .replaceAll(PRODUCT, '')
          .replaceAll(SUPPLIER, '')
          .replaceAll(WAREHOUSE, '')
          .replaceAll(ORPHAN, '')
          .match(/[A-Za-z]{2,}/g) ?? [],
      ).toEqual([])
      expect(text).toContain('补货建议')
      if (width === 390)
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
      await close()
    })
  }

  it('in English at 390 px: no sideways scroll, the table scrolls in its own box', async () => {
    const { page, close } = await signedIn(390, 'en-US')
    await openScreen(page, p.url)
    await shot(page, 'replenishment-390-en')
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    await close()
  })
})
