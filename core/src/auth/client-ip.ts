import type { PlumeApp } from '../kernel/types.js'

interface HandshakeSocket {
  feathers?: Record<string, unknown>
  handshake: { address: string; headers: Record<string, string | string[] | undefined> }
}

/**
 * socket.io middleware putting the client address on a connection's params (`params.ip`, for
 * login throttling): `X-Forwarded-For` only behind a trusted proxy (`PLUME_TRUST_PROXY=1`, Koa
 * `app.proxy`), or any client could pick its own address. REST requests get theirs from the
 * request context (audit/request.ts).
 */
export const socketClientIp =
  (app: PlumeApp) =>
  (socket: HandshakeSocket, next: (err?: Error) => void): void => {
    const forwarded = socket.handshake.headers['x-forwarded-for']
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim()
    if (socket.feathers) socket.feathers.ip = app.proxy && first ? first : socket.handshake.address
    next()
  }
