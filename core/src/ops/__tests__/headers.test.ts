import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import Koa from 'koa'
import { afterEach, describe, expect, it } from 'vitest'
import { securityHeaders, STRICT_TRANSPORT_SECURITY } from '../headers.js'

let server: Server | undefined
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())))

/** A real Koa server with the headers middleware, behind a trusted proxy or not. */
async function serve(proxy: boolean): Promise<string> {
  const app = new Koa()
  app.proxy = proxy
  app.use(securityHeaders())
  app.use((ctx) => {
    ctx.body = { ok: true }
  })
  server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server!.once('listening', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

describe('security headers behind a proxy', () => {
  it('HSTS when a trusted proxy says the request came over HTTPS (PLUME_TRUST_PROXY=1)', async () => {
    const url = await serve(true)
    expect(
      (await fetch(url, { headers: { 'X-Forwarded-Proto': 'https' } })).headers.get(
        'strict-transport-security',
      ),
    ).toBe(STRICT_TRANSPORT_SECURITY)
    expect(
      (await fetch(url, { headers: { 'X-Forwarded-Proto': 'http' } })).headers.get(
        'strict-transport-security',
      ),
    ).toBeNull()
  })

  it("no HSTS on a client's own X-Forwarded-Proto when no proxy is trusted", async () => {
    const url = await serve(false)
    const r = await fetch(url, { headers: { 'X-Forwarded-Proto': 'https' } })
    expect(r.headers.get('strict-transport-security')).toBeNull()
    expect(r.headers.get('content-security-policy')).toMatch(/^default-src 'self'; script-src 'self';/)
  })
})
