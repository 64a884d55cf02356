import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * The one way bearer secrets are made, stored and checked — API keys (`plm_`, `pk_`, `sk_`) and
 * embed session tokens (`pes_`): `<label>_<8-character prefix>_<256-bit secret>`. The prefix finds
 * the row; only the SHA-256 of the whole token is stored (the token is random and long, so a slow
 * password hash would add nothing but latency on every request).
 */
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** The stored form of a token: hex SHA-256. */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex')

/**
 * A new token with its label, lookup prefix and stored hash.
 * @example const { key, prefix, hash } = mintToken('pes')
 */
export function mintToken(label: string): { key: string; prefix: string; hash: string } {
  const prefix = [...randomBytes(8)].map((b) => BASE62[b % 62]).join('')
  const key = `${label}_${prefix}_${randomBytes(32).toString('base64url')}`
  return { key, prefix, hash: hashToken(key) }
}

/** The shape of a token with one of `labels`: group 1 the label, group 2 the prefix. */
export const tokenPattern = (...labels: string[]): RegExp =>
  new RegExp(`^(${labels.join('|')})_([A-Za-z0-9]{8})_([A-Za-z0-9_-]{43})$`)

/** Whether a stored hash is the hash given, compared in constant time (`false` when nothing is stored). */
export function sameHash(stored: string | null | undefined, hash: string): boolean {
  return !!stored && stored.length === hash.length && timingSafeEqual(Buffer.from(stored), Buffer.from(hash))
}
