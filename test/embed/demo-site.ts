/**
 * The demo partner site: a static page on its own origin (sdk/demo/) with a strict
 * Content-Security-Policy that embeds the widgets with a publishable key, and a tiny partner
 * backend that mints embed sessions with the partner's secret key (which never reaches the page).
 * The browser test starts it; `npm run demo:sdk` runs it against a running platform.
 */
import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'

const DEMO = fileURLToPath(new URL('../../sdk/demo/', import.meta.url))

/** Read on every request, so a test may fill in the keys once it knows the site's origin. */
export interface DemoSiteOptions {
  platformUrl: string
  publishableKey: string
  secretKey: string
  /** The shop's customer: its order sessions are bound to it. */
  customerId: number
  partnerName: string
  port?: number
}

export interface DemoSite {
  url: string
  /** Sessions minted so far (the test checks refreshes). */
  minted: () => number
  close(): Promise<void>
}

/**
 * `style-src 'self'` and no 'unsafe-inline' / 'unsafe-eval' anywhere; `connect-src` lists the
 * platform's WebSocket origin too (an http(s) source does not cover ws(s)) for live order status.
 */
export const csp = (platform: string) =>
  `default-src 'self'; script-src 'self' ${platform}; style-src 'self'; connect-src 'self' ${platform} ${platform.replace(/^http/, 'ws')}; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'`

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/**
 * Starts the demo site; `url` is its origin (to list on the keys).
 * @example const site = await startDemoSite({ platformUrl, publishableKey, secretKey, customerId, partnerName })
 */
export async function startDemoSite(opts: DemoSiteOptions): Promise<DemoSite> {
  let minted = 0
  const mint = async (body: Record<string, unknown>) => {
    // the partner's server: its secret key, no Origin (a browser never sees this call)
    const res = await fetch(`${opts.platformUrl}/api/embed-sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': opts.secretKey },
      body: JSON.stringify(body),
    })
    minted += 1
    return { status: res.status, body: await res.text() }
  }
  const files: Record<string, string> = { '/app.js': 'text/javascript', '/demo.css': 'text/css' }
  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0]!
      res.setHeader('Content-Security-Policy', csp(opts.platformUrl))
      if (req.method === 'POST' && (path === '/plume-session' || path === '/plume-dashboard-session')) {
        const r = await mint(
          path === '/plume-session'
            ? {
                scopes: ['catalog:read', 'orders:create', 'orders:read:own-customer'],
                customerId: opts.customerId,
              }
            : { scopes: ['dashboard:read'] },
        )
        const token = r.status === 201 ? (JSON.parse(r.body) as { token: string }).token : undefined
        res
          .writeHead(token ? 200 : 502, { 'content-type': 'application/json' })
          .end(JSON.stringify(token ? { token } : { error: 'could not mint a session' }))
        return
      }
      if (req.method === 'GET' && (path === '/' || path === '/index.html')) {
        const html = (await readFile(`${DEMO}index.html`, 'utf8'))
          .replaceAll('{{PLUME_URL}}', escape(opts.platformUrl))
          .replaceAll('{{PLUME_PK}}', escape(opts.publishableKey))
          .replaceAll('{{PARTNER_NAME}}', escape(opts.partnerName))
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html)
        return
      }
      const type = files[path]
      if (req.method === 'GET' && type) {
        res
          .writeHead(200, { 'content-type': `${type}; charset=utf-8` })
          .end(await readFile(`${DEMO}${path.slice(1)}`))
        return
      }
      res.writeHead(404).end('Not found')
    })().catch(() => res.writeHead(500).end())
  })
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    minted: () => minted,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

/**
 * `npm run demo:sdk`: signs in to a running platform as an admin, makes a publishable and a
 * secret key for the first partner (origin http://127.0.0.1:<port>) and serves the shop.
 */
async function main(): Promise<void> {
  const platformUrl = (process.env.PLUME_URL ?? 'http://127.0.0.1:3030').replace(/\/+$/, '')
  const port = Number(process.env.DEMO_PORT ?? 4040)
  const email = process.env.PLUME_ADMIN_EMAIL
  const password = process.env.PLUME_ADMIN_PASSWORD
  if (!email || !password)
    throw new Error('set PLUME_ADMIN_EMAIL and PLUME_ADMIN_PASSWORD (an admin of the platform at PLUME_URL)')
  const call = async (method: string, path: string, token: string | undefined, body?: unknown) => {
    const res = await fetch(`${platformUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const json = (await res.json()) as Record<string, unknown>
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${String(json.message)}`)
    return json
  }
  const { accessToken } = (await call('POST', '/api/authentication', undefined, {
    strategy: 'local',
    email,
    password,
  })) as { accessToken: string }
  const partner = (
    (await call('GET', '/api/partners?$sort[id]=1&$limit=1', accessToken)).data as Array<{
      id: number
      name: string
    }>
  )[0]
  if (!partner) throw new Error('the platform has no partner (start it with the demo data)')
  const customer = (
    (await call('GET', `/api/customers?partnerId=${partner.id}&$sort[id]=1&$limit=1`, accessToken))
      .data as Array<{ id: number }>
  )[0]
  if (!customer) throw new Error(`partner ${partner.name} has no customer`)
  const origin = `http://127.0.0.1:${port}`
  const key = async (kind: string) =>
    (
      await call('POST', '/api/api-keys', accessToken, {
        name: `Demo shop (${kind})`,
        kind,
        partnerId: partner.id,
        roles: ['partner_user'],
        allowedOrigins: [origin],
      })
    ).key as string
  const site = await startDemoSite({
    platformUrl,
    publishableKey: await key('publishable'),
    secretKey: await key('secret'),
    customerId: customer.id,
    partnerName: partner.name,
    port,
  })
  console.log(`demo partner shop of ${partner.name}: ${site.url} (platform ${platformUrl})`)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err)
    process.exit(1)
  })
}
