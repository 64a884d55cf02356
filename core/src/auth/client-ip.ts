import type { Middleware } from 'koa'
import type { PlumeApp } from '../app/types.js'

/**
 * Koa middleware putting the client address on service params (`params.ip`) for login
 * throttling. Behind a proxy set `PLUME_TRUST_PROXY=1` (Koa `app.proxy`) so that
 * `X-Forwarded-For` is used — only then, or any client could pick its own address.
 */
export const clientIp = (): Middleware => async (ctx, next) => {
  ctx.feathers = { ...ctx.feathers, ip: ctx.ip } as typeof ctx.feathers
  return next()
}

interface HandshakeSocket {
  feathers?: Record<string, unknown>
  handshake: { address: string; headers: Record<string, string | string[] | undefined> }
}

/** socket.io middleware doing the same for socket connections. */
export const socketClientIp =
  (app: PlumeApp) =>
  (socket: HandshakeSocket, next: (err?: Error) => void): void => {
    const forwarded = socket.handshake.headers['x-forwarded-for']
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim()
    if (socket.feathers) socket.feathers.ip = app.proxy && first ? first : socket.handshake.address
    next()
  }
