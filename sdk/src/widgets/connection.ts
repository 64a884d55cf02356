/**
 * How widgets reach the platform: a publishable key (`X-Api-Key: pk_…`) for the public catalog,
 * and an embed session (`Authorization: Bearer pes_…`) fetched from the partner's own server for
 * the rest. A session that expired or was revoked is fetched again once, then the call retried.
 * Tokens travel in headers only, never in a URL.
 */
import { isPlumeError } from '../errors.js'
import { sendRequest, type RequestSpec } from '../http.js'
import type { Appearance } from './styles.js'

export interface EmbedConfig {
  /** The platform's URL; default: where this script was loaded from. */
  baseUrl?: string
  /** `pk_…`: catalog, partner prices and availability. */
  publishableKey?: string
  /** A URL of the partner's own server answering `{ token }` (a session it minted with its `sk_…` key). */
  sessionUrl?: string
  /** Or a function answering such a token. */
  getSession?: () => Promise<string>
  appearance?: Appearance
}

const config: EmbedConfig = {}
const listeners = new Set<() => void>()

/**
 * Sets what every widget on the page uses unless its own attributes say otherwise.
 * @example configure({ publishableKey: 'pk_…', sessionUrl: '/plume-session', appearance: { variables: { colorPrimary: '#e11d48' } } })
 */
export function configure(next: EmbedConfig): void {
  Object.assign(config, next)
  for (const l of listeners) l()
}

export const onConfigure = (l: () => void) => (listeners.add(l), () => void listeners.delete(l))
export const pageConfig = (): Readonly<EmbedConfig> => config

const scriptOrigin = (() => {
  try {
    return new URL(import.meta.url).origin
  } catch {
    return ''
  }
})()

const sessions = new Map<string, Promise<string>>()

async function fetchSession(cfg: EmbedConfig): Promise<string> {
  if (cfg.getSession) return cfg.getSession()
  if (!cfg.sessionUrl) throw new Error('no embed session: set session-url or configure({ getSession })')
  const res = await fetch(cfg.sessionUrl, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { accept: 'application/json' },
  })
  if (!res.ok) throw new Error(`the session endpoint answered ${res.status}`)
  const body = (await res.json()) as { token?: unknown }
  if (typeof body.token !== 'string') throw new Error('the session endpoint answered no token')
  return body.token
}

/** What one widget connects with: its attributes over the page's `configure(...)`. */
export class Connection {
  constructor(private readonly cfg: EmbedConfig) {}

  get baseUrl(): string {
    return this.cfg.baseUrl ?? scriptOrigin
  }

  get hasSession(): boolean {
    return Boolean(this.cfg.sessionUrl || this.cfg.getSession)
  }

  private session(fresh: boolean): Promise<string> {
    const id = this.cfg.sessionUrl ?? 'fn'
    if (fresh || !sessions.has(id)) {
      const p = fetchSession(this.cfg)
      p.catch(() => sessions.delete(id))
      sessions.set(id, p)
    }
    return sessions.get(id)!
  }

  /** The embed session token (`fresh`: ask the partner's server for a new one). */
  sessionToken(fresh: boolean): Promise<string> {
    return this.session(fresh)
  }

  /**
   * One call: with the publishable key (`via: 'key'`, falling back to the session) or the session.
   * @example await conn.request({ method: 'GET', path: 'api/products' }, 'key')
   */
  async request<T>(spec: RequestSpec, via: 'key' | 'session'): Promise<T> {
    if (via === 'key' && this.cfg.publishableKey)
      return (await sendRequest(fetch, this.baseUrl, {
        ...spec,
        headers: { 'x-api-key': this.cfg.publishableKey },
      })) as T
    const send = async (fresh: boolean) =>
      sendRequest(fetch, this.baseUrl, {
        ...spec,
        headers: { authorization: `Bearer ${await this.session(fresh)}` },
      })
    try {
      return (await send(false)) as T
    } catch (err) {
      // expired or revoked: the partner's server mints a new one
      if (isPlumeError(err) && err.code === 401) return (await send(true)) as T
      throw err
    }
  }
}
