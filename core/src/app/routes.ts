import type { Middleware } from 'koa'
import { docsPage } from './docs-page.js'
import { openApiDocument } from './openapi.js'
import type { PlumeApp } from './types.js'

/** `/health`, `/ready`, `/api/openapi.json`, `/api/docs`: plain Koa routes outside the services. */
export function systemRoutes(app: PlumeApp): Middleware {
  let openapi: string | undefined
  let docs: string | undefined
  return async (ctx, next) => {
    if (ctx.method !== 'GET') return next()
    switch (ctx.path) {
      case '/health':
        ctx.body = { status: 'ok', uptime: Math.round(process.uptime()) }
        return
      case '/ready': {
        let ok = app.get('ready') === true
        let database = 'ok'
        try {
          await app.get('db').knex.raw('select 1')
        } catch {
          ok = false
          database = 'unreachable'
        }
        ctx.status = ok ? 200 : 503
        ctx.body = { status: ok ? 'ready' : 'not ready', database, migrations: app.get('ready') ? 'applied' : 'pending' }
        return
      }
      case '/api/openapi.json':
        openapi ??= JSON.stringify(openApiDocument([...app.get('entities').values()], { version: String(app.get('version')) }))
        ctx.type = 'application/json'
        ctx.body = openapi
        return
      case '/api/docs':
        docs ??= docsPage([...app.get('entities').values()])
        ctx.type = 'text/html'
        ctx.body = docs
        return
      default:
        return next()
    }
  }
}
