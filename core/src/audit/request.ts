import { randomUUID } from 'node:crypto'
import type { Context, Middleware, Next } from 'koa'
import type { PlumeApp } from '../kernel/types.js'

const REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/

/**
 * Koa middleware: a request id per HTTP request (the client's `X-Request-Id` when it is a sane
 * token, else a new UUID), echoed in the response, and the client address, both put on
 * `ctx.feathers` so they reach service params as `params.requestId` and `params.ip`.
 */
export const requestContext = (): Middleware => async (ctx: Context, next: Next) => {
  const given = ctx.get('X-Request-Id')
  const requestId = REQUEST_ID.test(given) ? given : randomUUID()
  ctx.set('X-Request-Id', requestId)
  const c = ctx as Context & { feathers?: Record<string, unknown> }
  c.feathers = { ...c.feathers, requestId, ip: ctx.ip }
  await next()
}

/**
 * Installs the request context first in the Koa stack (it must run before the REST transport,
 * which is configured earlier). Socket connections get their address from `socketClientIp`
 * (auth/client-ip.ts), which also honours a trusted proxy.
 */
export function installRequestContext(app: PlumeApp): void {
  ;(app as unknown as { middleware: Middleware[] }).middleware.unshift(requestContext())
}
