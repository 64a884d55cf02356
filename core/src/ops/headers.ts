import type { Context, Middleware, Next } from 'koa'

/**
 * The Content-Security-Policy of every response: scripts only from this origin (no inline
 * script, no eval), styles from this origin plus inline style attributes (the UI library sets
 * them), images and fonts from here or `data:`/`blob:`, fetch and socket.io to this origin, no
 * plugins, no framing by other sites, forms post here only.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

/** HSTS on HTTPS answers: a year, sub-domains included (never on plain HTTP, where it is ignored anyway). */
export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000; includeSubDomains'

/**
 * Koa middleware setting the security headers on every response, errors included:
 * CSP (above), `X-Content-Type-Options: nosniff`, `Referrer-Policy: strict-origin-when-cross-origin`,
 * `X-Frame-Options: DENY` (older browsers' frame-ancestors), `Cross-Origin-Opener-Policy:
 * same-origin`, and `Strict-Transport-Security` when the request came over HTTPS (directly, or
 * through a trusted proxy's `X-Forwarded-Proto`).
 * @example app.use(securityHeaders())
 */
export const securityHeaders = (): Middleware => async (ctx: Context, next: Next) => {
  ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY)
  ctx.set('X-Content-Type-Options', 'nosniff')
  ctx.set('Referrer-Policy', 'strict-origin-when-cross-origin')
  ctx.set('X-Frame-Options', 'DENY')
  ctx.set('Cross-Origin-Opener-Policy', 'same-origin')
  if (ctx.secure) ctx.set('Strict-Transport-Security', STRICT_TRANSPORT_SECURITY)
  await next()
}
