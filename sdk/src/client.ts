/** `createClient(url)`: the bare client that extensions (`rest()`, `auth()`, `realtime()`) add to. */
import type { AnySchema, PlumeSchema } from './schema.js'
import { Session } from './session.js'

export interface ClientOptions {
  /** A fetch implementation (default: the global one, in browsers and Node 20+). */
  fetch?: typeof fetch
  /** Headers sent with every REST call (e.g. `{ 'accept-language': 'zh-CN' }`). */
  headers?: Record<string, string>
}

/** The bare client: its URL, fetch, shared session, and `with()` to add capabilities. */
export interface PlumeClient<S extends PlumeSchema = AnySchema> {
  readonly url: string
  readonly fetch: typeof fetch
  readonly headers: Record<string, string>
  /** Credentials and tokens, shared by REST and realtime. */
  readonly session: Session
  /** Marks the schema the client is typed with; never set at run time. */
  readonly schema?: S
  /**
   * Adds an extension's members to the client.
   * @example const client = createClient(url).with(rest()).with(auth({ apiKey }))
   */
  with<E extends object>(extension: (client: this) => E): this & E
}

/**
 * A client for one Plume instance. Compose what you need; unused parts are tree-shaken away.
 * @example const client = createClient<Schema>('https://plume.example.com').with(rest()).with(auth({ email, password }))
 */
export function createClient<S extends PlumeSchema = AnySchema>(
  url: string,
  options: ClientOptions = {},
): PlumeClient<S> {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis)
  const client: PlumeClient<S> = {
    url: url.replace(/\/+$/, ''),
    fetch: fetchImpl,
    headers: { ...options.headers },
    session: new Session(url.replace(/\/+$/, ''), fetchImpl),
    with<E extends object>(this: PlumeClient<S>, extension: (c: PlumeClient<S>) => E) {
      return Object.assign(this, extension(this))
    },
  }
  return client
}
