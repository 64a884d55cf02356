import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * `X-Plume-Signature: sha256=<hex>` = HMAC-SHA256(secret, `<timestamp>.<body>`), with
 * `X-Plume-Timestamp: <unix seconds>`; receivers should also refuse old timestamps (replays).
 * @example sign('s3cret', '1767225600', '{"a":1}') // 'sha256=…'
 */
export function sign(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

/** Receiver side: constant-time check of a signature. */
export function verify(secret: string, timestamp: string, body: string, signature: string): boolean {
  const expected = Buffer.from(sign(secret, timestamp, body))
  const given = Buffer.from(signature)
  return expected.length === given.length && timingSafeEqual(expected, given)
}
