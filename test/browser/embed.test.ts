/**
 * The partner SDK's widgets in Debian Chromium: the demo partner site (sdk/demo, its own origin,
 * strict CSP) embeds them with a publishable key and sessions minted by its backend with a
 * secret key. Screenshots go to artifacts/screenshots/embed-*.png.
 */
import { execSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { embedFixture, type EmbedFixture } from '../embed/fixture.js'
import { startDemoSite, type DemoSite, type DemoSiteOptions } from '../embed/demo-site.js'
import { launch, ROOT, shot } from './browser.js'

function ensureWidgetsBuilt(): void {
  if (existsSync(`${ROOT}/sdk/dist/cdn/plume.js`) && process.env.PLUME_REBUILD_SDK !== '1') return
  execSync('npm run build:widgets -w @plume/sdk', { cwd: ROOT, stdio: 'inherit' })
}

describe('partner widgets on a partner site', () => {
  let p: TestPlatform
  let f: EmbedFixture
  let browser: Browser
  let page: Page
  let site: DemoSite
  let stranger: DemoSite
  let admin: string
  const opts: DemoSiteOptions = {
    platformUrl: '',
    publishableKey: '',
    secretKey: '',
    customerId: 0,
    partnerName: 'Shop A',
  }
  const problems: string[] = []

  beforeAll(async () => {
    ensureWidgetsBuilt()
    p = await startTestPlatform()
    f = await embedFixture(p, 'BRW')
    admin = await p.login()
    site = await startDemoSite(opts)
    // the same page and keys on an origin the keys do not list
    stranger = await startDemoSite(opts)
    const key = async (kind: string) =>
      (
        await p.http(
          'POST',
          '/api/api-keys',
          {
            name: `Demo ${kind}`,
            kind,
            partnerId: f.partnerId,
            roles: ['partner_user'],
            allowedOrigins: [site.url],
          },
          admin,
        )
      ).body as { key: string }
    Object.assign(opts, {
      platformUrl: p.url,
      publishableKey: (await key('publishable')).key,
      secretKey: (await key('secret')).key,
      customerId: f.customerId,
    })
    browser = await launch()
    const ctx = await browser.newContext({ viewport: { width: 1100, height: 1400 }, locale: 'en-US' })
    page = await ctx.newPage()
    page.on('pageerror', (err) => problems.push(String(err)))
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text())
    })
  })

  afterAll(async () => {
    await browser?.close()
    await site?.close()
    await stranger?.close()
    await p?.close()
  })

  it('serves the bundle at a stable URL, cross-origin, revalidated', async () => {
    const r = await fetch(`${p.url}/sdk/plume.js`, { headers: { origin: site.url } })
    expect(r.status).toBe(200)
    expect(r.headers.get('content-type')).toContain('text/javascript')
    expect(r.headers.get('access-control-allow-origin')).toBe(site.url)
    expect(r.headers.get('cache-control')).toBe('no-cache')
    // the budget: shared runtime + one widget ≤ 40 KB compressed (this is all four)
    const gz = gzipSync(Buffer.from(await r.arrayBuffer())).length
    expect(gz).toBeLessThan(40_000)
    expect((await fetch(`${p.url}/sdk/nope.js`)).status).toBe(404)
    expect((await fetch(`${p.url}/sdk/../package.json`)).status).toBe(404)
  })

  it("shows the partner's catalog with its prices and availability under a strict CSP, themed", async () => {
    await page.goto(site.url)
    const row = page.locator(`plume-catalog tr[data-sku="SKU-BRW-W"]`)
    await row.waitFor()
    await expect(row.locator('[part="price"]').innerText()).resolves.toBe('CNY 8.33')
    await expect(row.locator('[part="availability"]').innerText()).resolves.toBe('100 in stock')
    await expect(
      page.locator('plume-catalog tr[data-sku="SKU-BRW-S"] [part="availability"]').innerText(),
    ).resolves.toBe('1 in stock')
    // the page's CSS variables and ::part() reach inside the shadow root
    const add = row.locator('[part="add-button"]')
    await expect(add.evaluate((el) => getComputedStyle(el).backgroundColor)).resolves.toBe(
      'rgb(124, 58, 237)',
    )
    await expect(
      row.locator('[part="price"]').evaluate((el) => getComputedStyle(el).fontWeight),
    ).resolves.toBe('700')
    // the header says the page runs under a CSP with no unsafe-inline
    const csp = (await fetch(site.url)).headers.get('content-security-policy') ?? ''
    expect(csp).toContain("style-src 'self'")
    expect(csp).not.toContain('unsafe')
    await shot(page, 'embed-catalog')
  })

  it('places an order that appears in the platform for the partner, and follows its status live', async () => {
    await page.locator('plume-catalog tr[data-sku="SKU-BRW-W"] [part="add-button"]').click()
    await page.locator('plume-order-form tr[data-sku="SKU-BRW-W"]').waitFor()
    await page.locator('plume-order-form [part="quantity"]').fill('4')
    await page.locator('plume-order-form [part="quantity"]').dispatchEvent('change')
    await page.locator('plume-order-form [part="total"]').filter({ hasText: '37.65' }).waitFor()
    await page.locator('plume-order-form [part="submit-button"]').click()
    await page.locator('#banner').filter({ hasText: 'received' }).waitFor()
    const number = /Order (\S+) received/.exec(await page.locator('#banner').innerText())![1]!
    const { body } = await p.http('GET', `/api/orders?number=${number}`, undefined, admin)
    expect(body.data[0]).toMatchObject({
      partnerId: f.partnerId,
      customerId: f.customerId,
      status: 'submitted',
      total: '37.65',
    })
    const status = page.locator(`plume-order-status tr[data-order="${number}"] [part="status"]`)
    await expect(status.innerText()).resolves.toBe('Submitted')
    // approved in the platform: the widget follows (it reads again every refresh-seconds)
    const approve = await p.http('POST', `/api/orders/${body.data[0].id}/approve`, {}, admin)
    expect(approve.status).toBeLessThan(300)
    await page
      .locator(`plume-order-status tr[data-order="${number}"] [part="status"][data-status="approved"]`)
      .waitFor()
    await shot(page, 'embed-ordered')
  })

  it("shows only the partner's own data: its dashboard figures, none of another partner's", async () => {
    const count = Number(
      (
        (await p.db
          .knex('orders')
          .where({ partnerId: f.partnerId })
          .whereNot({ status: 'cancelled' })
          .count({ n: '*' })
          .first()) as { n: string }
      ).n,
    )
    const kpi = page.locator('plume-partner-dashboard [data-kpi="orders"] b')
    await kpi.filter({ hasText: String(count) }).waitFor()
    const all = Number(((await p.db.knex('orders').count({ n: '*' }).first()) as { n: string }).n)
    expect(all).toBeGreaterThan(count)
    const otherOrder = (await p.db.knex('orders').where({ id: f.other.orderId }).first('number')) as {
      number: string
    }
    const siblingOrder = (await p.db.knex('orders').where({ id: f.sibling.orderId }).first('number')) as {
      number: string
    }
    const text = await page
      .locator('main')
      .evaluate((m) => [...m.querySelectorAll('*')].map((el) => el.shadowRoot?.textContent ?? '').join(' '))
    expect(text).toContain('8.33')
    expect(text).not.toContain('6.66')
    expect(text).not.toContain(otherOrder.number)
    // the order status of a session bound to the shop's customer lists none of the partner's other customers' orders
    expect(text).not.toContain(siblingOrder.number)
    // every widget rendered and an order went through with no console error on the strict-CSP page
    expect(problems).toEqual([])
  })

  it('a revoked session is replaced by the partner backend; the page keeps working', async () => {
    const before = site.minted()
    const sessions = (
      await p.http('GET', '/api/embed-sessions?$limit=100', undefined, undefined, {
        'x-api-key': opts.secretKey,
      })
    ).body.data as Array<{ id: number; revokedAt: string | null; scopes: string[] }>
    for (const s of sessions.filter((x) => !x.revokedAt))
      await p.http('DELETE', `/api/embed-sessions/${s.id}`, undefined, undefined, {
        'x-api-key': opts.secretKey,
      })
    await page.locator('plume-catalog tr[data-sku="SKU-BRW-G"] [part="add-button"]').click()
    await page.locator('plume-order-form tr[data-sku="SKU-BRW-G"]').waitFor()
    await page.locator('plume-order-form [part="total"]').waitFor()
    expect(site.minted()).toBeGreaterThan(before)
  })

  it('speaks Chinese when the page does', async () => {
    await page.locator('#lang').click()
    await page.locator('plume-catalog th').filter({ hasText: '您的价格' }).waitFor()
    await page.locator('plume-order-status [part="status"]').filter({ hasText: '已审批' }).first().waitFor()
    await shot(page, 'embed-zh')
    // since the revocation: only the refused calls that made the widgets fetch a new session
    expect(problems.filter((m) => !m.includes('status of 401'))).toEqual([])
  })

  it('the same keys are refused on a site whose origin they do not list', async () => {
    const other = await browser.newPage()
    await other.goto(stranger.url)
    await other.locator('plume-catalog [part="error"]').waitFor()
    await other.locator('plume-order-status [part="error"]').waitFor()
    await expect(other.locator('plume-catalog [part="error"]').innerText()).resolves.toContain(
      'allowed origins',
    )
    await expect(other.locator('plume-catalog tr').count()).resolves.toBe(0)
    await other.close()
  })
})
