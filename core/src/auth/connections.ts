import type { AuthenticationService } from '@feathersjs/authentication'
import type { PlumeApp } from '../kernel/types.js'
import { issuedAtMs } from './session.js'

interface Connection {
  authentication?: { accessToken?: string }
  user?: unknown
}

/** The channel holding a user's realtime connections (joined on login in app/realtime.ts). */
export const userChannel = (userId: number | string) => `users/${userId}`

const claimsOf = (token: string | undefined): { iat?: unknown; iatMs?: unknown; fam?: unknown } => {
  try {
    return token
      ? (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
          string,
          unknown
        >)
      : {}
  } catch {
    return {}
  }
}

/**
 * Takes a user's realtime connections out of every channel and forgets their login, so they
 * receive no more events and their next call is refused with 401. Limited to the connections
 * signed in with `token`, with a token of login `family`, or with a token issued before
 * `issuedBeforeMs`, so a session opened after the change stays.
 * @example dropConnections(app, 7, { issuedBeforeMs: Date.now() })
 */
export function dropConnections(
  app: PlumeApp,
  userId: number,
  which: { token?: string; family?: string; issuedBeforeMs?: number } = {},
): number {
  if (typeof app.channel !== 'function') return 0
  const channel = app.channel(userChannel(userId))
  let dropped = 0
  for (const connection of [...channel.connections] as Connection[]) {
    const token = connection.authentication?.accessToken
    const claims = claimsOf(token)
    const match =
      (which.token !== undefined && token === which.token) ||
      (which.family !== undefined && claims.fam === which.family) ||
      (which.issuedBeforeMs !== undefined && issuedAtMs(claims) < which.issuedBeforeMs)
    if (!match) continue
    app.channel(app.channels).leave(connection as never)
    app.channel('anonymous').join(connection as never)
    const auth = app.service('api/authentication') as unknown as AuthenticationService
    // clears the token's expiry timer and the login kept on the connection
    void auth.handleConnection('disconnect', connection as never)
    delete connection.authentication
    delete connection.user
    dropped++
  }
  return dropped
}
