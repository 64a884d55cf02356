/**
 * Order tracking by a signed link (docs/sdk.md, "Order tracking links"): a partner's server (its
 * secret key), a partner user or an admin signs a link for one order it may read; whoever holds
 * the link sees that order's state and shipment — nothing else — without signing in, until it
 * expires. The signature is an HMAC-SHA256 under a key derived from the platform's JWT secret.
 */
import { createHmac } from 'node:crypto'
import { BadRequest, Forbidden } from '@feathersjs/errors'
import type { Params } from '@feathersjs/feathers'
import type { ServiceDocs } from '../app/openapi/types.js'
import { clientSafeErrors } from '../app/hooks.js'
import { requireAuth } from '../auth/session.js'
import type { PlumeApp } from '../kernel/types.js'
import { setting } from '../kernel/settings.js'
import { sameHash } from '../auth/tokens.js'

export const TRACKING_LINKS_PATH = 'api/order-tracking-links'
export const TRACKING_PATH = 'api/order-tracking'
/** Default and longest lifetime of a link: 30 and 90 days. */
export const TRACKING_TTL = { default: 30 * 86_400, max: 90 * 86_400 }

interface Claims {
  v: 1
  /** order id */
  o: number
  /** its partner when signed (the link dies if the order moves) */
  p: number | null
  /** expiry, seconds since the epoch */
  e: number
}

const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64url')
const keyOf = (app: PlumeApp) => {
  const secret = setting(app, 'authentication')?.secret
  if (!secret) throw new Error('order tracking needs the authentication secret')
  return createHmac('sha256', secret).update('plume:order-tracking:v1').digest()
}
const sign = (app: PlumeApp, payload: string) => createHmac('sha256', keyOf(app)).update(payload).digest()
const refused = () => new Forbidden('This tracking link is invalid or has expired')

/** `<payload>.<signature>`, both base64url. */
export function signTrackingToken(app: PlumeApp, claims: Claims): string {
  const payload = b64(JSON.stringify(claims))
  return `${payload}.${b64(sign(app, payload))}`
}

/** The claims of a genuine, unexpired token; 403 for anything else (tampered, expired, malformed). */
export function verifyTrackingToken(app: PlumeApp, token: string, now = Date.now()): Claims {
  const m = /^([A-Za-z0-9_-]{8,400})\.([A-Za-z0-9_-]{43})$/.exec(token)
  if (!m) throw refused()
  // compared in constant time, by the platform's one token helper
  if (!sameHash(b64(sign(app, m[1]!)), m[2]!)) throw refused()
  let claims: Claims
  try {
    claims = JSON.parse(Buffer.from(m[1]!, 'base64url').toString('utf8')) as Claims
  } catch {
    throw refused()
  }
  if (claims.v !== 1 || !Number.isInteger(claims.o) || !Number.isInteger(claims.e)) throw refused()
  if (claims.e * 1000 <= now) throw refused()
  return claims
}

const bad = (path: string, message: string) =>
  new BadRequest(`Invalid data: ${path.slice(1)} ${message}`, { errors: [{ path, message }] })

interface OrderRow {
  id: number
  number: string
  status: string
  partnerId: number | null
  orderDate: string | null
  submittedAt: Date | string | null
  approvedAt: Date | string | null
  shippedAt: Date | string | null
  deliveredAt: Date | string | null
  cancelledAt: Date | string | null
  carrier: string | null
  trackingNumber: string | null
}
const iso = (v: Date | string | null) => (v == null ? null : new Date(v).toISOString())

const docs = (which: 'links' | 'view'): ServiceDocs =>
  which === 'links'
    ? {
        tag: 'Embedding',
        description:
          "Signed links to one order's tracking view, for a partner to send its customer (secret key, partner user or admin; the order must be one the caller may read).",
        operations: {
          create: {
            summary: 'Sign a tracking link for one order',
            body: {
              type: 'object',
              required: ['orderId'],
              properties: {
                orderId: { type: 'integer' },
                ttlSeconds: { type: 'integer', minimum: 60, maximum: TRACKING_TTL.max },
              },
            },
            result: {
              type: 'object',
              properties: {
                orderId: { type: 'integer' },
                token: { type: 'string' },
                expiresAt: { type: 'string', format: 'date-time' },
              },
            },
            errors: { 400: 'A field is invalid', 404: 'No such order the caller may read' },
          },
        },
      }
    : {
        tag: 'Embedding',
        description:
          'The tracking view a signed link opens: the order state and shipment, nothing else, without signing in. The token goes in the body, never in a URL.',
        operations: {
          create: {
            summary: 'Open a tracking link',
            public: true,
            body: { type: 'object', required: ['token'], properties: { token: { type: 'string' } } },
            result: {
              type: 'object',
              properties: {
                number: { type: 'string' },
                status: { type: 'string' },
                orderDate: { type: ['string', 'null'], format: 'date' },
                events: { type: 'object', additionalProperties: { type: ['string', 'null'] } },
                shipments: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      carrier: { type: ['string', 'null'] },
                      trackingNumber: { type: ['string', 'null'] },
                      shippedAt: { type: ['string', 'null'], format: 'date-time' },
                      deliveredAt: { type: ['string', 'null'], format: 'date-time' },
                    },
                  },
                },
                expiresAt: { type: 'string', format: 'date-time' },
              },
            },
            errors: { 400: 'No token', 403: 'The link is invalid, tampered with or expired' },
          },
        },
      }

/** Mounts `api/order-tracking-links` (sign) and `api/order-tracking` (open). */
export function setupOrderTracking(app: PlumeApp): void {
  const orders = app.get('entities').get('order')
  if (!orders) return
  app.use(
    TRACKING_LINKS_PATH,
    {
      docs: docs('links'),
      async create(data: unknown, params: Params) {
        const body = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>
        for (const k of Object.keys(body))
          if (k !== 'orderId' && k !== 'ttlSeconds') throw bad(`/${k}`, 'is not a known field')
        const { orderId, ttlSeconds = TRACKING_TTL.default } = body
        if (typeof orderId !== 'number' || !Number.isInteger(orderId) || orderId < 1)
          throw bad('/orderId', 'must be an order id')
        if (
          typeof ttlSeconds !== 'number' ||
          !Number.isInteger(ttlSeconds) ||
          ttlSeconds < 60 ||
          ttlSeconds > TRACKING_TTL.max
        )
          throw bad('/ttlSeconds', `must be an integer from 60 to ${TRACKING_TTL.max}`)
        // the caller's own read of the order: its permission rules decide (404 when it may not)
        const order = (await app
          .service('api/orders')
          .get(orderId, { ...params, authenticated: true, query: {} })) as {
          id: number
          partnerId: number | null
        }
        const e = Math.floor(Date.now() / 1000) + ttlSeconds
        const token = signTrackingToken(app, { v: 1, o: order.id, p: order.partnerId ?? null, e })
        return { orderId: order.id, token, expiresAt: new Date(e * 1000).toISOString() }
      },
    },
    { methods: ['create'] },
  )
  app.service(TRACKING_LINKS_PATH).hooks({ around: { all: [clientSafeErrors(), requireAuth()] } })
  app.use(
    TRACKING_PATH,
    {
      docs: docs('view'),
      async create(data: unknown) {
        const token = (data as { token?: unknown } | null)?.token
        if (typeof token !== 'string' || !token) throw bad('/token', 'is required: the tracking link')
        const claims = verifyTrackingToken(app, token)
        const row = (await app
          .get('db')
          .knex(orders.table)
          .where({ id: claims.o })
          .first(
            'id',
            'number',
            'status',
            'partnerId',
            'orderDate',
            'submittedAt',
            'approvedAt',
            'shippedAt',
            'deliveredAt',
            'cancelledAt',
            'carrier',
            'trackingNumber',
          )) as OrderRow | undefined
        // a removed order, or one moved to another partner since: the link is dead
        if (!row || (row.partnerId ?? null) !== claims.p) throw refused()
        return {
          number: row.number,
          status: row.status,
          orderDate: row.orderDate ? String(row.orderDate).slice(0, 10) : null,
          events: {
            submittedAt: iso(row.submittedAt),
            approvedAt: iso(row.approvedAt),
            shippedAt: iso(row.shippedAt),
            deliveredAt: iso(row.deliveredAt),
            cancelledAt: iso(row.cancelledAt),
          },
          shipments:
            row.shippedAt || row.carrier || row.trackingNumber
              ? [
                  {
                    carrier: row.carrier,
                    trackingNumber: row.trackingNumber,
                    shippedAt: iso(row.shippedAt),
                    deliveredAt: iso(row.deliveredAt),
                  },
                ]
              : [],
          expiresAt: new Date(claims.e * 1000).toISOString(),
        }
      },
    },
    { methods: ['create'] },
  )
  app.service(TRACKING_PATH).hooks({ around: { all: [clientSafeErrors()] } })
}
