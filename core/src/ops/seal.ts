import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'

/**
 * Seals messages between the instances of one deployment: AES-256-GCM under a key derived
 * (HKDF-SHA-256) from the secret they share — the JWT signing secret, the same on every instance
 * (`PLUME_JWT_SECRET` or the one kept in the database). Redis then carries no record in clear,
 * and a message not sealed with that key (written by anyone else who reaches Redis) is dropped.
 * @example const s = sealer(secret); s.open(s.seal({ a: 1 })) // { a: 1 }
 */
export function sealer(secret: string) {
  const key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'plume:service-events', 32))
  return {
    seal(value: unknown): string {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()])
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')
    },
    /** The value, or undefined for anything not sealed with this key (tampered, foreign, garbage). */
    open(raw: string): unknown {
      try {
        const buf = Buffer.from(raw, 'base64')
        if (buf.length < 29) return undefined
        const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12))
        decipher.setAuthTag(buf.subarray(12, 28))
        return JSON.parse(
          Buffer.concat([decipher.update(buf.subarray(28)), decipher.final()]).toString('utf8'),
        )
      } catch {
        return undefined
      }
    },
  }
}
