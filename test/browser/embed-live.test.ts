/**
 * `<plume-invoices>` and the live `<plume-order-status>` in Chromium, on a partner page of its
 * own origin under a strict CSP: the customer's invoices with exact balances, paged, in English
 * and Chinese; order status changed in the platform reaches the widget over its socket (polling
 * off), also after the session was revoked and the partner's server minted a new one.
 */
import { execSync } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { embedFixture, type EmbedFixture } from '../embed/fixture.js'
import { seedInvoice } from '../embed/invoice-fixture.js'
import { csp } from '../embed/demo-site.js'
import { launch, ROOT, shot } from './browser.js'

let p: TestPlatform
let f: EmbedFixture
let browser: Browser
let page: Page
let server: Server
let site = ''
let secretKey = ''
let minted = 0
let admin: string
const problems: string[] = []

/** The partner page: widgets configured by attributes only (no inline script), and its session endpoint. */
function startSite(): Promise<string> {
  server = createServer((req, res) => {
    void (async () => {
      res.setHeader('Content-Security-Policy', csp(p.url))
      if (req.method === 'POST' && req.url === '/session') {
        const r = await fetch(`${p.url}/api/embed-sessions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': secretKey },
          body: JSON.stringify({
            scopes: ['orders:read:own-customer', 'invoices:read'],
            customerId: f.customerId,
          }),
        })
        minted += 1
        const body = (await r.json()) as { token?: string }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: body.token }))
        return
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<script type="module" src="${p.url}/sdk/plume.js"></script></head>
<body><main>
<plume-order-status session-url="/session"></plume-order-status>
<plume-invoices session-url="/session" page-size="10"></plume-invoices>
</main></body></html>`)
    })().catch(() => res.writeHead(500).end())
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  )
}

beforeAll(async () => {
  execSync('npm run build:widgets -w @plume/sdk', { cwd: ROOT, stdio: 'inherit' })
  p = await startTestPlatform()
  f = await embedFixture(p, 'ELV')
  admin = await p.login()
  for (let i = 0; i < 12; i++)
    await seedInvoice(p, {
      number: `ELV-A-${String(i).padStart(2, '0')}`,
      customerId: f.customerId,
      partnerId: f.partnerId,
      status: i === 11 ? 'partially_paid' : 'issued',
      total: '100.10',
      paid: i === 11 ? '33.33' : '0.00',
    })
  await seedInvoice(p, { number: 'ELV-SIB', customerId: f.sibling.customerId, partnerId: f.partnerId })
  await seedInvoice(p, { number: 'ELV-B', customerId: f.other.customerId, partnerId: f.other.partnerId })
  site = await startSite()
  const key = await p.http(
    'POST',
    '/api/api-keys',
    {
      name: 'Live shop',
      kind: 'secret',
      partnerId: f.partnerId,
      roles: ['partner_user'],
      allowedOrigins: [site],
    },
    admin,
  )
  secretKey = (key.body as { key: string }).key
  browser = await launch()
  page = await (await browser.newContext({ viewport: { width: 1100, height: 1200 } })).newPage()
  page.on('pageerror', (err) => problems.push(String(err)))
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text())
  })
}, 1_800_000)

afterAll(async () => {
  await browser?.close()
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)))
  await p?.close()
})

const rowsText = () => page.locator('plume-invoices').evaluate((el) => el.shadowRoot?.textContent ?? '')

describe('invoices and live order status on a partner page', () => {
  it("lists the customer's invoices with exact balances, a page at a time, and none of anyone else's", async () => {
    await page.goto(site)
    await page.locator('plume-invoices [part="row"]').nth(9).waitFor()
    expect(await page.locator('plume-invoices [part="row"]').count()).toBe(10)
    const paid = page.locator('plume-invoices tr[data-invoice="ELV-A-11"]')
    await expect(paid.locator('[part="balance"]').innerText()).resolves.toBe('CNY 66.77')
    await expect(paid.locator('[part="status"]').innerText()).resolves.toBe('Partially paid')
    await expect(page.locator('plume-invoices [part="pager"] span').innerText()).resolves.toBe('1–10 of 12')
    await page.locator('plume-invoices [part="next-button"]').click()
    await page.locator('plume-invoices [part="pager"] span').filter({ hasText: '11–12 of 12' }).waitFor()
    expect(await page.locator('plume-invoices [part="row"]').count()).toBe(2)
    expect(await page.locator('plume-invoices [part="next-button"]').isDisabled()).toBe(true)
    const text = await rowsText()
    expect(text).not.toContain('ELV-SIB')
    expect(text).not.toContain('ELV-B')
    await page.locator('plume-invoices').evaluate((el) => el.setAttribute('lang', 'zh-CN'))
    await page.locator('plume-invoices th').filter({ hasText: '未付余额' }).waitFor()
    await page.locator('plume-invoices [part="pager"] span').filter({ hasText: '共 12 条' }).waitFor()
    await shot(page, 'embed-invoices')
  })

  it('follows an order live over its socket (no polling), also after the session was revoked', async () => {
    const order = await p.http(
      'POST',
      '/api/orders',
      {
        customerId: f.customerId,
        warehouseId: f.warehouseId,
        lines: [{ productId: f.products.widget, quantity: 1 }],
      },
      admin,
    )
    expect(order.status).toBe(201)
    const { id, number } = order.body as { id: number; number: string }
    const status = (s: string) =>
      page.locator(`plume-order-status tr[data-order="${number}"] [part="status"][data-status="${s}"]`)
    // created in the platform: the widget hears it (the first read came before the order existed)
    await status('draft').waitFor({ timeout: 60_000 })
    expect((await p.http('POST', `/api/orders/${id}/submit`, {}, admin)).status).toBeLessThan(300)
    await status('submitted').waitFor({ timeout: 60_000 })
    // the partner revokes every session: the socket is cut off, reconnects with a fresh one
    const before = minted
    const sessions = (
      await p.http('GET', '/api/embed-sessions?$limit=100', undefined, undefined, { 'x-api-key': secretKey })
    ).body.data as Array<{ id: number; revokedAt: string | null }>
    for (const s of sessions.filter((x) => !x.revokedAt))
      await p.http('DELETE', `/api/embed-sessions/${s.id}`, undefined, undefined, { 'x-api-key': secretKey })
    await expect.poll(() => minted, { timeout: 60_000 }).toBeGreaterThan(before)
    expect((await p.http('POST', `/api/orders/${id}/approve`, {}, admin)).status).toBeLessThan(300)
    await status('approved').waitFor({ timeout: 60_000 })
    await shot(page, 'embed-live-status')
    // a strict-CSP page, a socket included: no console error but the refused calls of the revoked session
    expect(problems.filter((m) => !m.includes('status of 401'))).toEqual([])
  })
})
