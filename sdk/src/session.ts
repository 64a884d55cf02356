/** Credentials and tokens of one client, shared by REST and realtime, and how they are renewed. */
import { PlumeError } from './errors.js'
import { sendRequest } from './http.js'

/** What `auth()` takes: a password login, a token you already hold, or an API key. */
export type Credentials =
  { email: string; password: string } | { token: string; refreshToken?: string } | { apiKey: string }

/** The answer of `POST /api/authentication`. */
export interface AuthResult {
  accessToken: string
  refreshToken?: string
  user?: Record<string, unknown>
  mustChangePassword?: boolean
}

type Listener = (tokens: { accessToken?: string; refreshToken?: string }) => void

export class Session {
  accessToken: string | undefined
  refreshToken: string | undefined
  apiKey: string | undefined
  user: Record<string, unknown> | undefined
  private credentials: { email: string; password: string } | undefined
  private pending: Promise<void> | undefined
  private listeners = new Set<Listener>()

  constructor(
    private readonly url: string,
    private readonly fetchImpl: typeof fetch,
  ) {}

  configure(c: Credentials): void {
    this.clear()
    if ('apiKey' in c) this.apiKey = c.apiKey
    else if ('token' in c) {
      this.accessToken = c.token
      this.refreshToken = c.refreshToken
    } else this.credentials = { email: c.email, password: c.password }
  }

  /** Headers proving who calls (REST). */
  headers(): Record<string, string> {
    if (this.apiKey) return { 'x-api-key': this.apiKey }
    return this.accessToken ? { authorization: `Bearer ${this.accessToken}` } : {}
  }

  /** Logs in first when only a password is known. */
  async ready(): Promise<void> {
    if (!this.accessToken && !this.apiKey && this.credentials)
      await this.once(() => this.login(this.credentials!.email, this.credentials!.password))
  }

  /** Whether a 401 may be cured by renewing: a refresh token or a password to log in again. */
  canRenew(): boolean {
    return !this.apiKey && (this.refreshToken !== undefined || this.credentials !== undefined)
  }

  /** Gets a fresh access token with the refresh token, else by logging in again. */
  async renew(): Promise<void> {
    await this.once(async () => {
      if (this.refreshToken) {
        try {
          await this.refresh()
          return
        } catch (err) {
          if (!this.credentials) throw err
        }
      }
      if (!this.credentials)
        throw new PlumeError({
          name: 'NotAuthenticated',
          className: 'not-authenticated',
          message: 'Not signed in',
          code: 401,
        })
      await this.login(this.credentials.email, this.credentials.password)
    })
  }

  async login(email: string, password: string): Promise<AuthResult> {
    const r = (await sendRequest(this.fetchImpl, this.url, {
      method: 'POST',
      path: 'api/authentication',
      body: { strategy: 'local', email, password },
    })) as AuthResult
    this.credentials = { email, password }
    this.apiKey = undefined
    this.store(r)
    return r
  }

  async refresh(): Promise<AuthResult> {
    if (!this.refreshToken)
      throw new PlumeError({
        name: 'NotAuthenticated',
        className: 'not-authenticated',
        message: 'No refresh token',
        code: 401,
      })
    const r = (await sendRequest(this.fetchImpl, this.url, {
      method: 'POST',
      path: 'api/authentication',
      body: { strategy: 'refresh', refreshToken: this.refreshToken },
    })) as AuthResult
    this.store(r)
    return r
  }

  async logout(): Promise<void> {
    const headers = this.accessToken ? { authorization: `Bearer ${this.accessToken}` } : undefined
    try {
      if (headers)
        await sendRequest(this.fetchImpl, this.url, { method: 'DELETE', path: 'api/authentication', headers })
    } finally {
      this.forget()
    }
  }

  /** Keeps the tokens of a login or refresh answer and tells listeners (the realtime socket). */
  store(r: AuthResult): void {
    this.accessToken = r.accessToken
    if (r.refreshToken) this.refreshToken = r.refreshToken
    if (r.user) this.user = r.user
    this.emit()
  }

  /** Called with the new tokens after each login, refresh or logout; returns an unsubscribe. */
  onChange(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private emit(): void {
    for (const l of this.listeners) l({ accessToken: this.accessToken, refreshToken: this.refreshToken })
  }

  /** Drops every credential and token (after a logout) and tells listeners. */
  forget(): void {
    this.clear()
    this.emit()
  }

  private clear(): void {
    this.accessToken = this.refreshToken = this.apiKey = this.credentials = this.user = undefined
  }

  // concurrent calls that all find the token missing or stale share one login/refresh
  private async once(work: () => Promise<unknown>): Promise<void> {
    this.pending ??= work().then(() => undefined)
    try {
      await this.pending
    } finally {
      this.pending = undefined
    }
  }
}
