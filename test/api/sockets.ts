import { io, type Socket } from 'socket.io-client'
import type { TestPlatform } from '@plume/core/testing'

export type Event = Record<string, unknown> & { id: number }

/**
 * A signed-in socket.io connection that keeps every service event it receives, in arrival order.
 * `until` resolves once an event matching arrives (or already has): tests wait for what must
 * come, never for a time.
 */
export class Inbox {
  readonly seen: Array<{ name: string; data: Event }> = []
  private waiting: Array<{ test(name: string, data: Event): boolean; resolve(data: Event): void }> = []

  constructor(readonly socket: Socket) {
    socket.onAny((name: string, data: Event) => {
      this.seen.push({ name, data })
      this.waiting = this.waiting.filter((w) => (w.test(name, data) ? (w.resolve(data), false) : true))
    })
  }

  /** Events `name` (e.g. `api/orders patched`) about record `id`. */
  of(name: string, id: number): Event[] {
    return this.seen.filter((e) => e.name === name && e.data?.id === id).map((e) => e.data)
  }

  until(name: string, test: (data: Event) => boolean): Promise<Event> {
    const found = this.seen.find((e) => e.name === name && test(e.data))
    if (found) return Promise.resolve(found.data)
    return new Promise((resolve) => this.waiting.push({ test: (n, d) => n === name && test(d), resolve }))
  }

  close(): void {
    this.socket.close()
  }
}

/** Opens a socket and signs in with e-mail and password (throws when the login fails). */
export async function signedInSocket(p: TestPlatform, email: string, password: string): Promise<Inbox> {
  const socket: Socket = io(p.url, { transports: ['websocket'], forceNew: true })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('connect_error', reject)
  })
  await new Promise<void>((resolve, reject) =>
    socket.emit('create', 'api/authentication', { strategy: 'local', email, password }, (err: unknown) =>
      err ? reject(new Error(`socket login failed: ${JSON.stringify(err)}`)) : resolve(),
    ),
  )
  return new Inbox(socket)
}
