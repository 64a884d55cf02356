/**
 * Live order events for a widget: a socket.io connection signed in with the page's embed
 * session (`api/embed-realtime`). When the session nears its end the widget signs in again with
 * a renewed one; when the platform ends it (expired, revoked) the socket reconnects with a fresh
 * session from the partner's server. The token travels in a socket message, never in a URL.
 */
import { io, type Socket } from 'socket.io-client'
import { isPlumeError, toPlumeError } from '../errors.js'
import type { Connection } from './connection.js'

export interface LiveHandlers {
  /** An order was created or changed (as the session may see it). */
  order: (order: Record<string, unknown>) => void
  /** Signed in (again): read the current state, events may have been missed. */
  ready: () => void
  /** Could not sign in (no live events): fall back to polling. */
  failed: (err: unknown) => void
}

const RENEW_BEFORE_MS = 30_000

export class LiveOrders {
  private socket: Socket | undefined
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor(
    private readonly conn: Connection,
    private readonly on: LiveHandlers,
  ) {}

  start(): void {
    const socket = io(this.conn.baseUrl, { transports: ['websocket'], autoConnect: false })
    this.socket = socket
    socket.on('connect', () => void this.signIn(false))
    // unreachable (or refused by the page's connect-src): socket.io keeps trying; the widget polls meanwhile
    socket.on('connect_error', (err) => this.on.failed(err))
    socket.on('disconnect', (reason) => {
      clearTimeout(this.timer)
      // the platform ended the session (expired or revoked): connect again, signing in with a fresh one
      if (reason === 'io server disconnect') socket.connect()
    })
    for (const event of ['created', 'patched', 'updated'])
      socket.on(`api/orders ${event}`, (order: Record<string, unknown>) => this.on.order(order))
    socket.connect()
  }

  stop(): void {
    clearTimeout(this.timer)
    this.socket?.disconnect()
    this.socket = undefined
  }

  private async signIn(fresh: boolean): Promise<void> {
    const socket = this.socket
    if (!socket) return
    try {
      const token = await this.conn.sessionToken(fresh)
      const result = await new Promise<{ expiresAt: string }>((resolve, reject) =>
        socket.emit('create', 'api/embed-realtime', { token }, (err: unknown, data: { expiresAt: string }) =>
          err ? reject(toPlumeError(err)) : resolve(data),
        ),
      )
      clearTimeout(this.timer)
      const wait = new Date(result.expiresAt).getTime() - Date.now() - RENEW_BEFORE_MS
      this.timer = setTimeout(() => void this.signIn(true), Math.max(1_000, wait))
      this.on.ready()
    } catch (err) {
      // an expired or revoked token: once more with a fresh one from the partner's server
      if (!fresh && isPlumeError(err) && err.code === 401) return this.signIn(true)
      this.on.failed(err)
    }
  }
}
