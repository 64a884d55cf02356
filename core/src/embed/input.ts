import { BadRequest } from '@feathersjs/errors'
import { EMBED_SCOPES, isEmbedScope, PARTNER_WIDE_SCOPES, type EmbedScope } from './scopes.js'

/** Longest (and default) embed session lifetime: 15 minutes. */
export const MAX_SESSION_SECONDS = 900

export interface SessionInput {
  scopes: EmbedScope[]
  customerId: number | null
  origins: string[] | undefined
  ttlSeconds: number
}

const bad = (path: string, message: string) =>
  new BadRequest(`Invalid data: ${path.slice(1) || 'body'} ${message}`, { errors: [{ path, message }] })
const ORIGIN = /^https?:\/\/[^/\s?#]+$/
const KEYS = new Set(['scopes', 'customerId', 'origins', 'ttlSeconds'])

/**
 * Reads the body of `POST /api/embed-sessions`; 400 naming the field for anything else.
 * @example readSessionInput({ scopes: ['catalog:read'] }) // { scopes, customerId: null, origins: undefined, ttlSeconds: 900 }
 */
export function readSessionInput(raw: unknown): SessionInput {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw bad('', 'must be an object')
  const body = raw as Record<string, unknown>
  for (const k of Object.keys(body)) if (!KEYS.has(k)) throw bad(`/${k}`, 'is not a known field')
  const { scopes, customerId = null, origins, ttlSeconds = MAX_SESSION_SECONDS } = body
  if (!Array.isArray(scopes) || scopes.length === 0)
    throw bad('/scopes', `must be a non-empty list of: ${EMBED_SCOPES.join(', ')}`)
  scopes.forEach((s, i) => {
    if (!isEmbedScope(s)) throw bad(`/scopes/${i}`, `must be one of: ${EMBED_SCOPES.join(', ')}`)
  })
  if (
    customerId !== null &&
    (typeof customerId !== 'number' || !Number.isInteger(customerId) || customerId < 1)
  )
    throw bad('/customerId', 'must be a customer id or null')
  if (origins !== undefined) {
    if (!Array.isArray(origins) || origins.length === 0 || origins.length > 50)
      throw bad('/origins', 'must be a list of 1 to 50 origins')
    origins.forEach((o, i) => {
      if (typeof o !== 'string' || o.length > 200 || !ORIGIN.test(o))
        throw bad(`/origins/${i}`, 'must be an origin such as https://shop.example.com')
    })
  }
  if (
    typeof ttlSeconds !== 'number' ||
    !Number.isInteger(ttlSeconds) ||
    ttlSeconds < 30 ||
    ttlSeconds > MAX_SESSION_SECONDS
  )
    throw bad('/ttlSeconds', `must be an integer from 30 to ${MAX_SESSION_SECONDS}`)
  const list = [...new Set(scopes as EmbedScope[])]
  if (customerId === null && list.includes('orders:read:own-customer'))
    throw bad('/customerId', 'is required for the scope orders:read:own-customer')
  const wide = list.find((s) => PARTNER_WIDE_SCOPES.has(s))
  if (customerId !== null && wide)
    throw bad('/scopes', `${wide} shows the whole partner's figures: not in a session for one customer`)
  return { scopes: list, customerId, origins: origins as string[] | undefined, ttlSeconds }
}

export { bad as badField }
