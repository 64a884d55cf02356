import { BadRequest, Conflict } from '@feathersjs/errors'
import type { Knex } from 'knex'
import { runAction, type ActionDefinition, type PlumeApp } from '@plume/core'
import type { OrderRow } from '@plume/plugin-orders'
import { decideHolds } from './hooks/credit-hold.js'
import { assessOrder } from './score.js'

function note(data: Record<string, unknown>): string | null {
  const n = data.note ?? null
  if (n !== null && (typeof n !== 'string' || n.length > 500))
    throw new BadRequest('Invalid data: note must be a string of at most 500 characters', {
      errors: [{ path: '/note', message: 'must be a string of at most 500 characters' }],
    })
  return n
}

/** Both decisions take an optional note (the order must be on credit hold: 409 otherwise). */
const NOTE_INPUT = {
  type: 'object',
  properties: {
    note: { type: ['string', 'null'], maxLength: 500, description: 'Why the hold is released or rejected' },
  },
  additionalProperties: false,
}

/** The order as the action layer locked it; 409 unless it is on credit hold. */
function heldOrder(record: Record<string, unknown>): OrderRow {
  const order = record as OrderRow
  if (!order.creditHold)
    throw new Conflict(`Order ${order.number} is not on credit hold`, {
      reason: 'not-on-credit-hold',
      number: order.number,
    })
  return order
}

async function decide(
  app: PlumeApp,
  trx: Knex.Transaction,
  orderId: number,
  status: 'released' | 'rejected',
  params: Record<string, unknown>,
  text: string | null,
): Promise<void> {
  const userId = (params.user as { id?: number } | undefined)?.id ?? null
  await decideHolds(app, trx, orderId, { status, decidedById: userId, note: text })
}

/**
 * `POST /api/orders/:id/release-credit-hold {note?}` (permission `orders:release-credit-hold`):
 * the order may be approved again; the hold record says who released it and why.
 */
export const releaseCreditHold = (): ActionDefinition => ({
  permission: 'orders:release-credit-hold',
  label: { en: 'Release credit hold', 'zh-CN': '解除信用冻结' },
  input: NOTE_INPUT,
  offered: (record) => record.creditHold === true,
  async handler(id, data, { app, trx, params, record }) {
    heldOrder(record)
    await decide(app, trx, id, 'released', params, note(data))
    const [order] = (await trx('orders')
      .where('id', id)
      .update({ creditHold: false, version: trx.raw('version + 1'), updatedAt: trx.fn.now() })
      .returning('*')) as OrderRow[]
    await assessOrder(trx, order!)
    return order
  },
})

/**
 * `POST /api/orders/:id/reject-credit-hold {note?}` (permission `orders:reject-credit-hold`):
 * the hold is rejected and the order cancelled (its stock reservation released).
 */
export const rejectCreditHold = (): ActionDefinition => ({
  permission: 'orders:reject-credit-hold',
  label: { en: 'Reject (credit)', 'zh-CN': '信用拒绝' },
  input: NOTE_INPUT,
  offered: (record) => record.creditHold === true,
  async handler(id, data, { app, trx, params, record }) {
    const held = heldOrder(record)
    const text = note(data)
    await decide(app, trx, id, 'rejected', params, text)
    await trx('orders').where('id', id).update({ creditHold: false })
    const reason = `Credit hold rejected: ${String(held.creditHoldReason ?? '')}`.slice(0, 500)
    // the same action layer as POST /api/orders/:id/cancel, as a step of this (authorized) action
    const order = await runAction<OrderRow>(app, {
      entity: 'order',
      id,
      action: 'cancel',
      data: { reason },
      params: { user: params.user },
      trx,
      trusted: true,
    })
    await assessOrder(trx, order)
    return order
  },
})
