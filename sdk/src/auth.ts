/** `auth(...)`: who the client is — a password login, a token, or an API key. */
import type { PlumeClient } from './client.js'
import type { PlumeSchema } from './schema.js'
import type { AuthResult, Credentials } from './session.js'

/** Members `auth()` adds. */
export interface AuthClient {
  /** Logs in (again) with e-mail and password. */
  login(email: string, password: string): Promise<AuthResult>
  /** A new access token from the refresh token. */
  refresh(): Promise<AuthResult>
  /** Revokes the token on the server and forgets the credentials. */
  logout(): Promise<void>
  /** The current access token, logging in first when only a password is known. */
  token(): Promise<string | undefined>
}

/**
 * Credentials for every call: `{ email, password }` logs in on the first call and renews the
 * token when it expires; `{ token }` uses a token you hold; `{ apiKey }` sends `X-Api-Key`
 * (REST only — the server takes API keys on no socket).
 * @example createClient(url).with(rest()).with(auth({ apiKey: process.env.PLUME_KEY! }))
 */
export function auth(credentials?: Credentials) {
  return <S extends PlumeSchema>(client: PlumeClient<S>): AuthClient => {
    const { session } = client
    if (credentials) session.configure(credentials)
    return {
      login: (email, password) => session.login(email, password),
      refresh: () => session.refresh(),
      logout: () => session.logout(),
      async token() {
        await session.ready()
        return session.accessToken
      },
    }
  }
}
