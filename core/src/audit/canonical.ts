import { createHash } from 'node:crypto'

/** `prev_hash` of the first row of the chain. */
export const GENESIS_HASH = '0'.repeat(64)

/**
 * JSON with object keys sorted at every level and no whitespace: the same value always gives
 * the same text, whatever order its keys were built in (jsonb reorders them).
 * @example canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }) // '{"a":[2,{"c":4,"d":3}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort()
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/** The hashed content of an audit row (everything but id and the hashes). */
export interface AuditContent {
  /** UTC, ISO-8601 with milliseconds. */
  at: string
  actorId: string | null
  actor: string | null
  via: string
  action: string
  entity: string | null
  recordId: string | null
  changes: unknown
  requestId: string | null
  ip: string | null
}

/** Text of the content that the hash covers. */
export const contentText = (c: AuditContent): string =>
  canonicalJson({
    at: c.at,
    actorId: c.actorId,
    actor: c.actor,
    via: c.via,
    action: c.action,
    entity: c.entity,
    recordId: c.recordId,
    changes: c.changes ?? null,
    requestId: c.requestId,
    ip: c.ip,
  })

/**
 * `sha256(prev_hash + canonical JSON of the content)`, hex.
 * @example rowHash(GENESIS_HASH, content)
 */
export const rowHash = (prevHash: string, content: AuditContent): string =>
  createHash('sha256')
    .update(prevHash + contentText(content), 'utf8')
    .digest('hex')

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/**
 * Makes a value exactly what jsonb will give back: dates become ISO text, undefined and
 * functions vanish, lone surrogates become U+FFFD (jsonb refuses them).
 */
export function jsonSafe(value: unknown): unknown {
  if (value === undefined) return null
  return JSON.parse(
    JSON.stringify(value, (_k, v: unknown) =>
      typeof v === 'string' ? v.replace(LONE_SURROGATE, '\uFFFD') : v,
    ) ?? 'null',
  ) as unknown
}
