import type { HookContext, NextFunction } from '@feathersjs/feathers'
import type { Context, Middleware, Next } from 'koa'
import type { Logger } from 'pino'
import type { PlumeApp } from '../kernel/types.js'
import type { Metrics } from './metrics.js'

/** What the service layer tells the request log about a REST call (shared through params). */
interface Observed {
  user?: string
}
const OBSERVED = Symbol('plume.observed')

/** Paths of services by service object, kept as services are mounted (Feathers' mixins). */
function servicePaths(app: PlumeApp): WeakMap<object, string> {
  const paths = new WeakMap<object, string>()
  for (const [path, service] of Object.entries(app.services)) paths.set(service as object, path)
  app.mixins.push((service: object, path: string) => void paths.set(service, path))
  return paths
}

const STATIC: Array<[RegExp, string]> = [
  [/^\/admin(\/|$)/, '/admin/*'],
  [/^\/sdk(\/|$)/, '/sdk/*'],
  [/^\/socket\.io(\/|$)/, '/socket.io/*'],
]
const SYSTEM = new Set(['/health', '/ready', '/metrics', '/api/openapi.json', '/api/docs'])

/**
 * The route template of a request, a bounded label: a service path with `:id` for its id and
 * `:<name>` for its route parameters (`/api/orders/:id/submit`), a known system path, a static
 * area (`/admin/*`), else `other` — never an id or anything a client chose.
 */
function routeOf(ctx: Context, paths: WeakMap<object, string>): string {
  const lookup = (ctx as Context & { lookup?: { service: object; params?: Record<string, unknown> } }).lookup
  if (lookup) {
    const path = paths.get(lookup.service)
    if (path) return `/${path}${lookup.params?.__id !== undefined ? '/:id' : ''}`
  }
  if (SYSTEM.has(ctx.path)) return ctx.path
  for (const [re, label] of STATIC) if (re.test(ctx.path)) return label
  return 'other'
}

/**
 * Koa middleware, outermost: times every request, counts it in `/metrics` by method, route
 * template and status class, and writes one JSON log line (request id, user, method, route,
 * status, duration). Placed before the error handler so it sees the status actually answered.
 * @example app.middleware.unshift(observeRequests(app, metrics, logger))
 */
export function observeRequests(app: PlumeApp, metrics: Metrics, logger: Logger): Middleware {
  const paths = servicePaths(app)
  const log = logger.child({ module: 'http' })
  // the user is known to the service layer only: an app hook reports it through params
  app.hooks({
    around: {
      all: [
        async (context: HookContext, next: NextFunction) => {
          try {
            await next()
          } finally {
            const observed = (context.params as { [OBSERVED]?: Observed })[OBSERVED]
            const id = (context.params.user as { id?: unknown } | undefined)?.id
            if (observed && id !== undefined && observed.user === undefined) observed.user = String(id)
          }
        },
      ],
    },
  })
  return async (ctx: Context, next: Next) => {
    const start = process.hrtime.bigint()
    const observed: Observed = {}
    const c = ctx as Context & { feathers?: Record<string | symbol, unknown> }
    c.feathers = { ...c.feathers, [OBSERVED]: observed }
    try {
      await next()
    } finally {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9
      const status = ctx.status
      const labels = {
        method: ctx.method,
        route: routeOf(ctx, paths),
        status: `${Math.floor(status / 100)}xx`,
      }
      metrics.httpRequests.inc(labels)
      metrics.httpDuration.observe(labels, seconds)
      log.info(
        {
          reqId: ctx.response.get('X-Request-Id') || undefined,
          user: observed.user,
          method: ctx.method,
          route: labels.route,
          status,
          ms: Math.round(seconds * 10_000) / 10,
        },
        'request',
      )
    }
  }
}
