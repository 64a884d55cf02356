import type { Context, Middleware } from 'koa'
import { docsPage } from './docs-page.js'
import { describeApp, openApiDocument, type DescribedRoute, type Json } from './openapi/index.js'
import type { PlumeApp } from '../kernel/types.js'
import { metricsRoute } from '../ops/metrics-route.js'

/** A plain Koa route outside the services: what it answers and how the API document describes it. */
interface SystemRoute extends DescribedRoute {
  handle(ctx: Context): Promise<void> | void
}

/**
 * `/health`, `/ready`, `/api/openapi.json`, `/api/docs`, `/metrics`: the one table the middleware serves
 * and `/api/openapi.json` describes (a route cannot be served without being documented).
 */
export function systemRouteTable(app: PlumeApp): SystemRoute[] {
  let cached: { key: string; doc: Json; openapi: string; docs?: string } | undefined
  // the document follows what is mounted (plugins come and go at run time)
  const current = () => {
    const key = `${app.get('metadataRevision') ?? 0}\n${Object.keys(app.services).join('\n')}`
    if (cached?.key !== key) {
      const doc = openApiDocument(describeApp(app, table))
      cached = { key, doc, openapi: JSON.stringify(doc) }
    }
    return cached
  }
  const table: SystemRoute[] = [
    {
      path: '/health',
      docs: {
        summary: 'Liveness',
        public: true,
        result: { type: 'object', properties: { status: { const: 'ok' }, uptime: { type: 'integer' } } },
      },
      handle(ctx) {
        ctx.body = { status: 'ok', uptime: Math.round(process.uptime()) }
      },
    },
    {
      path: '/ready',
      docs: {
        summary: 'Readiness: migrations applied and the database reachable (503 otherwise)',
        public: true,
        result: {
          type: 'object',
          properties: {
            status: { enum: ['ready', 'not ready'] },
            database: { enum: ['ok', 'unreachable'] },
            migrations: { enum: ['applied', 'pending'] },
          },
        },
        errors: { 503: 'Not ready' },
      },
      async handle(ctx) {
        let ok = app.get('ready') === true
        let database = 'ok'
        try {
          await app.get('db').knex.raw('select 1')
        } catch {
          ok = false
          database = 'unreachable'
        }
        ctx.status = ok ? 200 : 503
        ctx.body = {
          status: ok ? 'ready' : 'not ready',
          database,
          migrations: app.get('ready') ? 'applied' : 'pending',
        }
      },
    },
    {
      path: '/api/openapi.json',
      docs: { summary: 'This document (OpenAPI 3.1)', public: true, result: { type: 'object' } },
      handle(ctx) {
        ctx.type = 'application/json'
        ctx.body = current().openapi
      },
    },
    {
      path: '/api/docs',
      docs: { summary: 'A readable API reference page (HTML)', public: true },
      handle(ctx) {
        const c = current()
        c.docs ??= docsPage([...app.get('entities').values()], c.doc)
        ctx.type = 'text/html'
        ctx.body = c.docs
      },
    },
    metricsRoute(app),
  ]
  return table
}

/** Serves the system routes (GET only). */
export function systemRoutes(app: PlumeApp): Middleware {
  const routes = new Map(systemRouteTable(app).map((r) => [r.path, r]))
  return async (ctx, next) => {
    const route = ctx.method === 'GET' ? routes.get(ctx.path) : undefined
    if (!route) return next()
    await route.handle(ctx)
  }
}
