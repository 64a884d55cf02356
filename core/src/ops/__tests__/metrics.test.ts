import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { Writable } from 'node:stream'
import { pino } from 'pino'
import { io, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '../../testing/index.js'
import { CONTENT_SECURITY_POLICY } from '../headers.js'
import { parsePrometheus, valueOf } from './prometheus-text.js'

const TOKEN = 'metrics-test-token-1234'
const lines: Array<Record<string, unknown>> = []
let p: TestPlatform
let admin: string
let metricsPort: number
const sockets: Socket[] = []

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })

beforeAll(async () => {
  metricsPort = await freePort()
  process.env.PLUME_METRICS_TOKEN = TOKEN
  process.env.PLUME_METRICS_LISTEN = `127.0.0.1:${metricsPort}`
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(l) as Record<string, unknown>)
      done()
    },
  })
  p = await startTestPlatform({ logger: pino({ level: 'info' }, stream), plugins: [], pluginDirs: [] })
  admin = await p.login()
})
afterAll(async () => {
  for (const s of sockets) s.close()
  delete process.env.PLUME_METRICS_TOKEN
  delete process.env.PLUME_METRICS_LISTEN
  await p?.close()
})

const scrape = async () => {
  const r = await fetch(`${p.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
  expect(r.status).toBe(200)
  expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
  return parsePrometheus(await r.text())
}

describe('/metrics', () => {
  it('is refused without the token or with another one (401), naming no metric', async () => {
    for (const headers of [
      {},
      { authorization: 'Bearer nope' },
      { authorization: `Bearer ${TOKEN}x` },
    ] as Array<Record<string, string>>) {
      const r = await fetch(`${p.url}/metrics`, { headers })
      expect(r.status).toBe(401)
      const text = await r.text()
      expect(text).not.toMatch(/plume_/)
      expect(JSON.parse(text)).toMatchObject({ code: 401, message: expect.stringContaining('metrics token') })
    }
  })

  it('parses as Prometheus text and counts a request by route template and status class, never by id', async () => {
    const before =
      valueOf((await scrape()).samples, 'plume_http_requests_total', {
        method: 'GET',
        route: '/api/users/:id',
        status: '2xx',
      }) ?? 0
    const me = await p.http('GET', '/api/users/1', undefined, admin)
    expect(me.status).toBe(200)
    expect((await p.http('GET', '/api/users/987654', undefined, admin)).status).toBe(404)
    const { samples, types } = await scrape()
    expect(
      valueOf(samples, 'plume_http_requests_total', {
        method: 'GET',
        route: '/api/users/:id',
        status: '2xx',
      }),
    ).toBe(before + 1)
    expect(
      valueOf(samples, 'plume_http_requests_total', {
        method: 'GET',
        route: '/api/users/:id',
        status: '4xx',
      }),
    ).toBeGreaterThanOrEqual(1)
    expect(
      valueOf(samples, 'plume_http_request_duration_seconds_count', {
        route: '/api/users/:id',
        status: '2xx',
      }),
    ).toBe(before + 1)
    expect(types.get('plume_http_request_duration_seconds')).toBe('histogram')
    // bounded labels: no id, no raw path anywhere
    const routes = new Set(samples.filter((s) => s.labels.route).map((s) => s.labels.route))
    for (const r of routes) expect(r).not.toMatch(/\d/)
    expect(routes.has('/api/authentication')).toBe(true)
  })

  it('has database, queue, process, event-loop, disk and realtime figures', async () => {
    const socket = io(p.url, { transports: ['websocket'], forceNew: true, reconnection: false })
    sockets.push(socket)
    await new Promise<void>((resolve) => socket.on('connect', () => resolve()))
    const { samples } = await scrape()
    expect(
      valueOf(samples, 'plume_db_query_duration_seconds_count', { kind: 'select', outcome: 'ok' }),
    ).toBeGreaterThan(0)
    expect(valueOf(samples, 'plume_jobs', { state: 'due' })).toBeGreaterThanOrEqual(0)
    expect(valueOf(samples, 'plume_jobs_oldest_due_age_seconds')).toBeGreaterThanOrEqual(0)
    expect(valueOf(samples, 'plume_process_cpu_seconds_total')).toBeGreaterThan(0)
    expect(valueOf(samples, 'plume_process_resident_memory_bytes')).toBeGreaterThan(0)
    expect(valueOf(samples, 'plume_nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0)
    expect(valueOf(samples, 'plume_disk_bytes', { state: 'free' })).toBeGreaterThan(0)
    expect(valueOf(samples, 'plume_disk_bytes', { state: 'size' })).toBeGreaterThan(
      valueOf(samples, 'plume_disk_bytes', { state: 'free' })!,
    )
    expect(valueOf(samples, 'plume_realtime_connections')).toBe(1)
    if (p.kind === 'postgres')
      expect(valueOf(samples, 'plume_db_pool_connections', { state: 'max' })).toBeGreaterThan(0)
  })

  it('has every metric the Grafana dashboard (ops/grafana/plume.json) plots', async () => {
    const dashboard = readFileSync(new URL('../../../../ops/grafana/plume.json', import.meta.url), 'utf8')
    const names = new Set(
      [...dashboard.matchAll(/plume_[a-z0-9_]+/g)].map((m) => m[0].replace(/_(bucket|count|sum)$/, '')),
    )
    const { types } = await scrape()
    expect(names.size).toBeGreaterThan(10)
    for (const name of names) expect([name, types.has(name)]).toEqual([name, true])
  })

  it('is served without token on the separate listen address only', async () => {
    const r = await fetch(`http://127.0.0.1:${metricsPort}/metrics`)
    expect(r.status).toBe(200)
    expect(
      valueOf(parsePrometheus(await r.text()).samples, 'plume_http_requests_total', {
        route: '/metrics',
        status: '2xx',
      }),
    ).toBeGreaterThan(0)
    expect((await fetch(`http://127.0.0.1:${metricsPort}/api/users`)).status).toBe(404)
  })
})

describe('security headers', () => {
  it('are on every answer — API, errors, system routes, the admin UI — and HSTS is not on plain HTTP', async () => {
    const answers = [
      await fetch(`${p.url}/health`),
      await fetch(`${p.url}/api/users`),
      await fetch(`${p.url}/api/nowhere`),
      await fetch(`${p.url}/admin/`),
      await fetch(`${p.url}/metrics`),
    ]
    expect(answers.map((r) => r.status)).toEqual([200, 401, 404, expect.any(Number), 401])
    for (const r of answers) {
      const csp = r.headers.get('content-security-policy') ?? ''
      expect(csp).toBe(CONTENT_SECURITY_POLICY)
      expect(csp).toMatch(/frame-ancestors 'none'/)
      expect(/script-src [^;]*'unsafe-inline'/.test(csp)).toBe(false)
      expect(r.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin')
      expect(r.headers.get('x-content-type-options')).toBe('nosniff')
      expect(r.headers.get('x-frame-options')).toBe('DENY')
      expect(r.headers.get('strict-transport-security')).toBeNull()
    }
    // without PLUME_TRUST_PROXY a client's X-Forwarded-Proto is not believed: still no HSTS
    const spoofed = await fetch(`${p.url}/health`, { headers: { 'X-Forwarded-Proto': 'https' } })
    expect(spoofed.headers.get('strict-transport-security')).toBeNull()
  })
})

describe('request log', () => {
  it('writes one JSON line per request with request id, user, route, status and duration', async () => {
    const r = await p.http('GET', '/api/users/1', undefined, admin, { 'X-Request-Id': 'log-test-req-1' })
    expect(r.status).toBe(200)
    await p.http('GET', '/api/users/1', undefined, undefined, { 'X-Request-Id': 'log-test-req-2' })
    const mine = lines.filter(
      (l) =>
        l.msg === 'request' && typeof l.reqId === 'string' && (l.reqId as string).startsWith('log-test-req-'),
    )
    expect(mine).toHaveLength(2)
    expect(mine[0]).toMatchObject({
      reqId: 'log-test-req-1',
      user: '1',
      method: 'GET',
      route: '/api/users/:id',
      status: 200,
      module: 'http',
    })
    expect(mine[0]!.ms).toEqual(expect.any(Number))
    expect(mine[1]).toMatchObject({ reqId: 'log-test-req-2', route: '/api/users/:id', status: 401 })
    expect(mine[1]!.user).toBeUndefined()
  })
})
