/** Sign-in commands; they keep the tokens in the client's session for REST and realtime. */
import type { RestCommand } from '../rest.js'
import type { AnySchema, PlumeSchema } from '../schema.js'
import type { AuthResult } from '../session.js'

/**
 * Logs in with e-mail and password; later calls (and the socket) use the tokens.
 * @example const { user } = await client.request(login('ann@example.com', 'secret-Pass-1'))
 */
export function login<S extends PlumeSchema = AnySchema>(
  email: string,
  password: string,
): RestCommand<AuthResult, S> {
  return () => ({
    method: 'POST',
    path: 'api/authentication',
    body: { strategy: 'local', email, password },
    anonymous: true,
    after: (r, { session }) => {
      session.configure({ email, password })
      session.store(r as AuthResult)
    },
  })
}

/**
 * Swaps the refresh token for a new access token (and a new refresh token).
 * @example await client.request(refresh())
 */
export function refresh<S extends PlumeSchema = AnySchema>(): RestCommand<AuthResult, S> {
  return ({ session }) => ({
    method: 'POST',
    path: 'api/authentication',
    body: { strategy: 'refresh', refreshToken: session.refreshToken },
    anonymous: true,
    after: (r, ctx) => ctx.session.store(r as AuthResult),
  })
}

/**
 * Logs out: the server revokes the token and its login family; the session forgets them.
 * @example await client.request(logout())
 */
export function logout<S extends PlumeSchema = AnySchema>(): RestCommand<unknown, S> {
  return ({ session }) => ({
    method: 'DELETE',
    path: 'api/authentication',
    anonymous: true,
    headers: session.accessToken ? { authorization: `Bearer ${session.accessToken}` } : undefined,
    after: (_r, ctx) => ctx.session.forget(),
  })
}
