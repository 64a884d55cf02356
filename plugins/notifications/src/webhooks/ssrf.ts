import { lookup } from 'node:dns/promises'
import { BlockList, isIP } from 'node:net'

/**
 * SSRF guard for outbound webhooks. Refused unless the host is allow-listed: loopback, private
 * (RFC 1918, ULA), link-local (incl. cloud metadata 169.254.169.254), CGNAT, "this network",
 * multicast/reserved/documentation ranges, and IPv4-mapped / IPv4-compatible / NAT64 IPv6 forms.
 * Decimal, octal and hex IPv4 spellings (`2130706433`, `0177.0.0.1`, `0x7f.1`) are normalised by
 * the WHATWG URL parser before the check, and a host name is checked on every address it
 * resolves to; the connection then uses the checked address (no second lookup to rebind).
 */
// two lists: Node checks an IPv4 address against IPv6 rules too (as ::ffff:a.b.c.d)
const blocked4 = new BlockList()
const blocked6 = new BlockList()
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked4.addSubnet(net, prefix, 'ipv4')
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['::ffff:0:0', 96],
  ['::', 96],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  blocked6.addSubnet(net, prefix, 'ipv6')

export class SsrfError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SsrfError'
  }
}

/** Whether an IP address (v4 or v6 literal, no brackets) is refused. */
export function isBlockedAddress(address: string): boolean {
  const family = isIP(address)
  if (family === 0) return true
  return family === 4 ? blocked4.check(address, 'ipv4') : blocked6.check(address, 'ipv6')
}

const bare = (hostname: string) =>
  hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname

export interface CheckedTarget {
  url: URL
  /** The address to connect to (checked), or undefined for an allow-listed host (resolved normally). */
  address?: string
  family?: 4 | 6
  allowListed: boolean
}

/**
 * Parses and checks a webhook URL: http(s) only, no credentials; an allow-listed host passes,
 * any other must resolve only to public addresses.
 * @example await checkUrl('http://169.254.169.254/latest', new Set()) // throws SsrfError
 */
export async function checkUrl(
  raw: string,
  allow: ReadonlySet<string>,
  resolve: typeof lookup = lookup,
): Promise<CheckedTarget> {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new SsrfError('refused: not a valid URL')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new SsrfError(`refused: scheme ${url.protocol} is not allowed`)
  if (url.username || url.password) throw new SsrfError('refused: credentials in the URL')
  const host = bare(url.hostname.toLowerCase())
  if (allow.has(host) || allow.has(url.hostname.toLowerCase())) return { url, allowListed: true }
  if (isIP(host)) {
    if (isBlockedAddress(host)) throw new SsrfError(`refused: ${host} is not a public address`)
    return { url, address: host, family: isIP(host) as 4 | 6, allowListed: false }
  }
  let addresses: Array<{ address: string; family: number }>
  try {
    addresses = await resolve(host, { all: true, verbatim: true })
  } catch {
    throw new SsrfError(`refused: ${host} does not resolve`)
  }
  if (addresses.length === 0) throw new SsrfError(`refused: ${host} does not resolve`)
  const bad = addresses.find((a) => isBlockedAddress(a.address))
  if (bad) throw new SsrfError(`refused: ${host} resolves to ${bad.address}, not a public address`)
  const first = addresses[0]!
  return { url, address: first.address, family: first.family as 4 | 6, allowListed: false }
}
