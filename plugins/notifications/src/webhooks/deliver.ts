import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { LookupFunction } from 'node:net'
import { checkUrl, SsrfError, type CheckedTarget } from './ssrf.js'
import { sign } from './sign.js'

export interface Delivery {
  url: string
  body: string
  secret: string
  deliveryId: string
  event: string
  allow: ReadonlySet<string>
  timeoutMs?: number
  now?: Date
}

export interface DeliveryResult {
  status: number
  url: string
  redirects: number
}

const MAX_REDIRECTS = 3

/** A lookup that answers with the address already checked (no second resolution to rebind). */
const pinned = (address: string, family: 4 | 6): LookupFunction =>
  ((_host: string, opts: { all?: boolean }, cb: (...args: unknown[]) => void) => {
    if (opts?.all) cb(null, [{ address, family }])
    else cb(null, address, family)
  }) as unknown as LookupFunction

function post(target: CheckedTarget, d: Delivery): Promise<IncomingMessage> {
  const { url } = target
  const timestamp = String(Math.floor((d.now ?? new Date()).getTime() / 1000))
  const headers = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(d.body)),
    'user-agent': 'Plume-Webhook/1',
    'x-plume-timestamp': timestamp,
    'x-plume-signature': sign(d.secret, timestamp, d.body),
    'x-plume-delivery': d.deliveryId,
    'x-plume-event': d.event,
  }
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const req = request(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers,
        timeout: d.timeoutMs ?? 10_000,
        ...(target.address && !target.allowListed
          ? { lookup: pinned(target.address, target.family ?? 4) }
          : {}),
        ...(url.protocol === 'https:' ? { servername: url.hostname } : {}),
      },
      (res) => resolve(res),
    )
    req.on('timeout', () => req.destroy(new Error(`timed out after ${d.timeoutMs ?? 10_000} ms`)))
    req.on('error', reject)
    req.end(d.body)
  })
}

/**
 * POSTs a signed JSON body. Every hop is checked against the SSRF policy first; redirects are
 * followed (at most 3, same signed body) only to addresses that pass it too. Any non-2xx answer
 * throws (the job retries); a refused address throws {@link SsrfError} (not retried).
 * @example await deliver({ url, body, secret, deliveryId: '12.0', event: 'low-stock', allow })
 */
export async function deliver(d: Delivery): Promise<DeliveryResult> {
  let url = d.url
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const target = await checkUrl(url, d.allow)
    const res = await post(target, d)
    res.resume()
    const status = res.statusCode ?? 0
    if (status >= 300 && status < 400 && res.headers.location) {
      if (hop === MAX_REDIRECTS) throw new Error(`too many redirects (last to ${res.headers.location})`)
      let next: string
      try {
        next = new URL(res.headers.location, url).toString()
      } catch {
        throw new SsrfError('refused: invalid redirect location')
      }
      url = next
      continue
    }
    if (status < 200 || status >= 300) throw new Error(`HTTP ${status} from ${target.url.host}`)
    return { status, url, redirects: hop }
  }
  throw new Error('too many redirects')
}
