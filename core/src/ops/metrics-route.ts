import { timingSafeEqual } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { Forbidden, NotAuthenticated } from '@feathersjs/errors'
import type { Context } from 'koa'
import type { PlumeApp } from '../kernel/types.js'

const sameToken = (given: string, expected: string) => {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** The metrics in Prometheus text format (and its content type) of one app. */
async function exposition(app: PlumeApp): Promise<{ type: string; text: string }> {
  const metrics = app.get('metrics')
  if (!metrics) throw new Forbidden('Metrics are not set up')
  return { type: metrics.registry.contentType, text: await metrics.registry.metrics() }
}

/**
 * `GET /metrics` on the main address: Prometheus text for a request bearing
 * `Authorization: Bearer <PLUME_METRICS_TOKEN>` (401 without it or with another token); 403 when
 * no token is set — then metrics are served on `PLUME_METRICS_LISTEN` only, or not at all.
 */
export function metricsRoute(app: PlumeApp) {
  return {
    path: '/metrics',
    docs: {
      summary: 'Prometheus metrics (text format); needs `Authorization: Bearer <PLUME_METRICS_TOKEN>`',
      public: true,
      result: { type: 'string' },
      errors: {
        401: 'Missing or wrong metrics token',
        403: 'No PLUME_METRICS_TOKEN set: metrics are served on PLUME_METRICS_LISTEN only',
      },
    },
    async handle(ctx: Context) {
      const token = app.get('ops')?.metricsToken
      if (!token)
        throw new Forbidden(
          'Metrics are off on this address: set PLUME_METRICS_TOKEN, or scrape PLUME_METRICS_LISTEN',
          { 'zh-CN': '此地址未开放监控指标：请设置 PLUME_METRICS_TOKEN，或从 PLUME_METRICS_LISTEN 采集' },
        )
      const given = /^Bearer (.+)$/i.exec(ctx.get('Authorization'))?.[1] ?? ''
      if (!sameToken(given, token)) {
        ctx.set('WWW-Authenticate', 'Bearer realm="metrics"')
        throw new NotAuthenticated('A valid metrics token is required (Authorization: Bearer …)', {
          'zh-CN': '需要有效的监控令牌（Authorization: Bearer …）',
        })
      }
      const { type, text } = await exposition(app)
      ctx.type = type
      ctx.body = text
    },
  }
}

/**
 * The separate metrics listener (`PLUME_METRICS_LISTEN`): serves `GET /metrics` without a token —
 * its address is the protection (a private interface or port that only Prometheus reaches).
 * @example const server = await metricsListener(app, '127.0.0.1', 9464)
 */
export async function metricsListener(app: PlumeApp, host: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n')
      return
    }
    exposition(app).then(
      ({ type, text }) => res.writeHead(200, { 'content-type': type }).end(text),
      () => res.writeHead(503, { 'content-type': 'text/plain' }).end('metrics unavailable\n'),
    )
  })
  await new Promise<void>((resolve, reject) =>
    server.once('error', reject).listen(port, host, () => resolve()),
  )
  return server
}
