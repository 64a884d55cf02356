import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import type { Knex } from 'knex'

/** Prefix of every encrypted value: `enc:v1:<keyId>:<iv>:<tag>:<ciphertext>` (base64url parts). */
export const ENCRYPTED_PREFIX = 'enc:v1:'
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/
const IV_BYTES = 12
const TAG_BYTES = 16

export class EncryptionKeyError extends Error {
  override name = 'EncryptionKeyError'
}

/** True for a value written by {@link KeyRing.encrypt}. */
export const isEncrypted = (value: unknown): value is string =>
  typeof value === 'string' && value.startsWith(ENCRYPTED_PREFIX)

/** The key id of an encrypted value (`enc:v1:k2:…` → `k2`). */
export function keyIdOf(value: string): string | undefined {
  if (!isEncrypted(value)) return undefined
  const end = value.indexOf(':', ENCRYPTED_PREFIX.length)
  return end < 0 ? undefined : value.slice(ENCRYPTED_PREFIX.length, end)
}

/**
 * Parses `PLUME_ENCRYPTION_KEYS`: `keyId:base64key,…`, 32-byte keys, the first is current.
 * @example parseKeys('k2:' + k2.toString('base64') + ',k1:' + k1.toString('base64'))
 */
export function parseKeys(text: string): Array<{ id: string; key: Buffer }> {
  const keys: Array<{ id: string; key: Buffer }> = []
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const at = part.indexOf(':')
    const id = at < 0 ? '' : part.slice(0, at)
    if (!KEY_ID.test(id))
      throw new EncryptionKeyError(
        `PLUME_ENCRYPTION_KEYS: "${id || part.slice(0, 8)}…" is not a valid key id (letters, digits, _ and -, up to 32)`,
      )
    // Node's base64 decoder reads the URL-safe alphabet too
    const key = Buffer.from(part.slice(at + 1), 'base64')
    if (key.length !== 32)
      throw new EncryptionKeyError(
        `PLUME_ENCRYPTION_KEYS: key "${id}" must be 32 bytes (base64), got ${key.length}`,
      )
    if (keys.some((k) => k.id === id))
      throw new EncryptionKeyError(`PLUME_ENCRYPTION_KEYS: key id "${id}" appears twice`)
    keys.push({ id, key })
  }
  if (!keys.length) throw new EncryptionKeyError('PLUME_ENCRYPTION_KEYS holds no key')
  return keys
}

/**
 * AES-256-GCM keys by id: encrypts with the current (first) key, decrypts with any of them.
 * @example const ring = new KeyRing([{ id: 'k1', key }]); ring.decrypt(ring.encrypt('x')) // 'x'
 */
export class KeyRing {
  readonly currentId: string
  private readonly keys: Map<string, Buffer>

  constructor(keys: Array<{ id: string; key: Buffer }>) {
    if (!keys[0]) throw new EncryptionKeyError('a key ring needs at least one key')
    this.currentId = keys[0].id
    this.keys = new Map(keys.map((k) => [k.id, k.key]))
  }

  get ids(): string[] {
    return [...this.keys.keys()]
  }

  encrypt(plain: string): string {
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentId)!, iv)
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
    return `${ENCRYPTED_PREFIX}${this.currentId}:${iv.toString('base64url')}:${cipher.getAuthTag().toString('base64url')}:${ct.toString('base64url')}`
  }

  /** Plain text of an encrypted value; anything else (legacy plain text, null) passes through. */
  decrypt<T>(value: T): T | string {
    if (!isEncrypted(value)) return value
    const parts = value.slice(ENCRYPTED_PREFIX.length).split(':')
    const [id, iv, tag, ct] = parts
    const key = id === undefined ? undefined : this.keys.get(id)
    if (parts.length !== 4 || !key)
      throw new EncryptionKeyError(
        `cannot decrypt a value encrypted with key "${String(id).slice(0, 32)}": the key is not configured`,
      )
    try {
      // the full 16-byte tag only: GCM would otherwise accept a truncated (forgeable) tag
      const authTag = Buffer.from(tag!, 'base64url')
      if (authTag.length !== TAG_BYTES) throw new Error('short tag')
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv!, 'base64url'), {
        authTagLength: TAG_BYTES,
      })
      decipher.setAuthTag(authTag)
      return Buffer.concat([decipher.update(Buffer.from(ct!, 'base64url')), decipher.final()]).toString(
        'utf8',
      )
    } catch {
      throw new EncryptionKeyError(
        `cannot decrypt a value encrypted with key "${id}": it was altered or the key is wrong`,
      )
    }
  }

  /** Whether a stored value should be (re-)encrypted with the current key. */
  isStale(value: unknown): boolean {
    return typeof value === 'string' && keyIdOf(value) !== this.currentId
  }
}

const DEV_KEY = 'encryptionDevKey'

/**
 * The key ring from `PLUME_ENCRYPTION_KEYS`, or a development key generated once and kept in
 * `plume_settings` (with a warning). A stored development key stays usable for decryption after
 * real keys are configured, so `rotate-keys` can move its values over.
 */
export async function loadKeyRing(
  knex: Knex,
  configured: string | undefined,
  warn: (msg: string) => void = () => undefined,
): Promise<KeyRing> {
  await knex.raw('create table if not exists plume_settings (key text primary key, value text not null)')
  const stored = (await knex('plume_settings').where({ key: DEV_KEY }).first()) as
    { value: string } | undefined
  if (configured && configured.trim()) {
    const keys = parseKeys(configured)
    if (stored) for (const k of parseKeys(stored.value)) if (!keys.some((c) => c.id === k.id)) keys.push(k)
    return new KeyRing(keys)
  }
  if (!stored) {
    const value = `dev:${randomBytes(32).toString('base64')}`
    await knex('plume_settings').insert({ key: DEV_KEY, value }).onConflict('key').ignore()
  }
  const row = (await knex('plume_settings').where({ key: DEV_KEY }).first()) as { value: string }
  warn(
    'PLUME_ENCRYPTION_KEYS is not set: sensitive fields are encrypted with a development key stored in the database itself. Set PLUME_ENCRYPTION_KEYS in production (docs/audit.md).',
  )
  return new KeyRing(parseKeys(row.value))
}
