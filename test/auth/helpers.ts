import { createHmac, generateKeyPairSync, randomUUID, sign } from 'node:crypto'
import type { AuthRuntime } from '../../core/src/auth/runtime.js'
import type { TestPlatform } from '@plume/core/testing'

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url')

/** Claims like the server's own, for hand-made tokens. */
export function claims(sub: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000)
  return {
    sub: String(sub),
    iat: now,
    exp: now + 600,
    aud: 'plume',
    iss: 'plume',
    jti: randomUUID(),
    ...extra,
  }
}

/** A JWT signed with HMAC (`HS256`/`HS512`) or left unsigned (`none`). */
export function hmacToken(
  secret: string,
  payload: Record<string, unknown>,
  alg: 'HS256' | 'HS512' | 'none' = 'HS256',
): string {
  const head = `${b64({ alg, typ: 'access' })}.${b64(payload)}`
  if (alg === 'none') return `${head}.`
  const sig = createHmac(alg === 'HS256' ? 'sha256' : 'sha512', secret)
    .update(head)
    .digest('base64url')
  return `${head}.${sig}`
}

/** An RS256 token signed with a fresh key pair the server has never seen. */
export function rsaToken(payload: Record<string, unknown>): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const head = `${b64({ alg: 'RS256', typ: 'access' })}.${b64(payload)}`
  return `${head}.${sign('sha256', Buffer.from(head), privateKey).toString('base64url')}`
}

export const payloadOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>

/** No artificial delay on failed logins (the suites count failures, not seconds). */
export function fastThrottle(p: TestPlatform): AuthRuntime {
  const rt = p.app.get('auth') as AuthRuntime
  rt.throttle.config.delayMs = 0
  return rt
}

/** Creates a user over REST as admin and returns its id. */
export async function createUser(
  p: TestPlatform,
  admin: string,
  user: Record<string, unknown>,
): Promise<number> {
  const r = await p.http('POST', '/api/users', { name: 'Test user', roles: ['sales_rep'], ...user }, admin)
  if (r.status !== 201) throw new Error(`create user: ${r.status} ${JSON.stringify(r.body)}`)
  return r.body.id as number
}
