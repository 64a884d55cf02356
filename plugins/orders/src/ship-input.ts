import { BadRequest } from '@feathersjs/errors'
import type { OrderLineRow } from './transitions.js'

const TEXT = (description: string) => ({ type: ['string', 'null'], maxLength: 100, description })

/**
 * Body of `POST /api/orders/:id/ship`: who carries the goods, their tracking number, and the
 * quantity shipped per line (`lines: [{id, quantity}]`, a line left out ships in full; less than
 * ordered ships that much and releases the rest of its reservation).
 */
export const SHIP_INPUT = {
  type: 'object',
  properties: {
    carrier: TEXT('Who carries the shipment, e.g. SF Express'),
    trackingNumber: TEXT('The carrier’s tracking number'),
    lines: {
      type: 'array',
      maxItems: 5000,
      description: 'Quantity shipped per order line (default: every line in full)',
      items: {
        type: 'object',
        properties: {
          id: { type: 'integer', minimum: 1, description: 'Order line id' },
          quantity: { type: 'integer', minimum: 0, description: 'Quantity shipped' },
        },
        required: ['id', 'quantity'],
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
} as const

export interface Shipment {
  carrier: string | null
  trackingNumber: string | null
  /** Quantity shipped per line id (every line of the order). */
  shipped: Map<number, number>
}

const clean = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null)

/**
 * The shipment a ship body describes for the order's `lines` (the body passed the input schema).
 * 400 naming the item for a line of another order, a line twice, or more than ordered.
 * @example shipment({ carrier: 'SF', lines: [{ id: 3, quantity: 2 }] }, lines).shipped.get(3) // 2
 */
export function shipment(data: Record<string, unknown>, lines: readonly OrderLineRow[]): Shipment {
  const shipped = new Map(lines.map((l) => [l.id, l.quantity]))
  const asked = (data.lines ?? []) as Array<{ id: number; quantity: number }>
  const seen = new Set<number>()
  asked.forEach((item, i) => {
    const line = lines.find((l) => l.id === item.id)
    const bad = (path: string, message: string) =>
      new BadRequest(`Invalid data: lines/${i}/${path} ${message}`, {
        errors: [{ path: `/lines/${i}/${path}`, message }],
      })
    if (!line) throw bad('id', 'is not a line of this order')
    if (seen.has(item.id)) throw bad('id', 'is listed twice')
    if (item.quantity > line.quantity)
      throw bad('quantity', `must be at most ${line.quantity} (the quantity ordered)`)
    seen.add(item.id)
    shipped.set(item.id, item.quantity)
  })
  return { carrier: clean(data.carrier), trackingNumber: clean(data.trackingNumber), shipped }
}
