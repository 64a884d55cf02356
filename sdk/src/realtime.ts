/** `realtime()`: service events over socket.io, signed in again after every reconnect. */
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client'
import type { PlumeClient } from './client.js'
import { PlumeError, toPlumeError } from './errors.js'
import type { AnySchema, Collection, PlumeSchema, RowOf } from './schema.js'
import type { AuthResult } from './session.js'

/** Events the generated services emit after the commit (an action emits `patched`). */
export type ServiceEvent = 'created' | 'patched' | 'updated' | 'removed'

/** Options of `realtime()`: socket.io options (default transport: WebSocket). */
export interface RealtimeOptions {
  socket?: Partial<ManagerOptions & SocketOptions>
}

/** Members `realtime()` adds. */
export interface RealtimeClient<S extends PlumeSchema = AnySchema> {
  /** The socket.io socket (connected by `connect()` or the first `subscribe`). */
  readonly socket: Socket
  /** Connects and signs in; resolves once the server knows who this is. */
  connect(): Promise<void>
  /** Resolves when the current connection is signed in (after a reconnect: once signed in again). */
  authenticated(): Promise<void>
  /**
   * Calls `handler` with each record the server sends for `<collection> <event>` — only what the
   * signed-in user may see. Returns an unsubscribe.
   * @example const off = client.subscribe('orders', 'patched', (order) => render(order)); off()
   */
  subscribe<C extends Collection<S>>(
    collection: C,
    event: ServiceEvent,
    handler: (record: RowOf<S, C>) => void,
  ): () => void
  /** Called when signing in on the socket fails (e.g. the user was deactivated). */
  onError(handler: (error: PlumeError) => void): () => void
  /** Closes the socket (no more reconnects). */
  disconnect(): void
}

const emitAck = (socket: Socket, ...args: unknown[]) =>
  new Promise<unknown>((resolve, reject) =>
    socket.emit('create', ...args, (err: unknown, data: unknown) =>
      err ? reject(toPlumeError(err)) : resolve(data),
    ),
  )

/**
 * Realtime subscriptions over socket.io with automatic re-authentication on reconnect.
 * @example const client = createClient(url).with(rest()).with(auth({ email, password })).with(realtime())
 */
export function realtime(options: RealtimeOptions = {}) {
  return <S extends PlumeSchema>(client: PlumeClient<S>): RealtimeClient<S> => {
    const { session } = client
    const socket = io(client.url, { transports: ['websocket'], autoConnect: false, ...options.socket })
    const errorHandlers = new Set<(e: PlumeError) => void>()
    let signedIn: Promise<void> = new Promise(() => undefined)

    const signInOnce = async (token: string) => {
      const r = (await emitAck(socket, 'api/authentication', {
        strategy: 'jwt',
        accessToken: token,
      })) as AuthResult
      if (r?.user) session.user = r.user
    }
    const signIn = async (): Promise<void> => {
      await session.ready()
      if (session.apiKey && !session.accessToken)
        throw new PlumeError({
          name: 'NotAuthenticated',
          className: 'not-authenticated',
          code: 401,
          message: 'API keys are accepted on REST only; sign in with a password or a token for realtime',
        })
      if (!session.accessToken)
        throw new PlumeError({
          name: 'NotAuthenticated',
          className: 'not-authenticated',
          code: 401,
          message: 'Not signed in',
        })
      try {
        await signInOnce(session.accessToken)
      } catch (err) {
        // the token expired while the socket was away: renew it and sign in with the new one
        if (!(err instanceof PlumeError) || err.code !== 401 || !session.canRenew()) throw err
        await session.renew()
        await signInOnce(session.accessToken!)
      }
    }
    const start = () => {
      signedIn = signIn()
      signedIn.catch((err: unknown) => {
        for (const h of errorHandlers) h(toPlumeError(err))
      })
    }
    socket.on('connect', start)
    // a token renewed over REST is handed to the socket too, before the old one expires there
    session.onChange(({ accessToken }) => {
      if (socket.connected && accessToken && !session.apiKey) start()
    })

    return {
      socket,
      async connect() {
        if (!socket.connected) {
          await new Promise<void>((resolve, reject) => {
            const onError = (err: Error) => {
              socket.off('connect', onConnect)
              reject(
                toPlumeError({
                  name: 'Unavailable',
                  className: 'unavailable',
                  message: `Could not connect: ${err.message}`,
                }),
              )
            }
            const onConnect = () => {
              socket.off('connect_error', onError)
              resolve()
            }
            socket.once('connect', onConnect)
            socket.once('connect_error', onError)
            socket.connect()
          })
        }
        await signedIn
      },
      authenticated: () => signedIn,
      subscribe(collection, event, handler) {
        const name = `api/${collection} ${event}`
        const listener = (record: RowOf<S, typeof collection>) => handler(record)
        socket.on(name, listener)
        if (!socket.connected && !socket.active) socket.connect()
        return () => {
          socket.off(name, listener)
        }
      },
      onError(handler) {
        errorHandlers.add(handler)
        return () => errorHandlers.delete(handler)
      },
      disconnect: () => {
        socket.disconnect()
      },
    }
  }
}
