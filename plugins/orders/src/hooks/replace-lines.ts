import { Conflict, NotFound } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'
import { setting } from '@plume/core'
import { registryOf } from '../registry.js'
import { trxOf } from './context.js'
import { INLINE_LINES, readInlineLines } from './lift-inline-lines.js'

/**
 * `PATCH /api/orders/:id {…, lines: [{productId, quantity}]}` replaces the lines of a draft order
 * with the ones given, in the patch's transaction (header, lines and prices all or nothing), and
 * answers the priced order with its `lines`. Without `lines` the patch is left alone.
 * @example hooks: { order: { patch: [replaceLines(), guardOrder(), syncLineFacts()] } }
 */
export const replaceLines = () => async (context: HookContext, next: NextFunction) => {
  const raw = (context.params as Record<string, unknown>)[INLINE_LINES]
  if (raw === undefined) return next()
  const lines = readInlineLines(raw, setting(context.app, 'entities').get('orderLine'))
  await next()
  const trx = trxOf(context)
  const id = Number(context.id)
  const order = (await trx('orders').select('number', 'status').where('id', id).forUpdate().first()) as
    { number: string; status: string } | undefined
  if (!order) throw new NotFound(`No order with id ${String(context.id)}`)
  if (order.status !== 'draft')
    throw new Conflict(
      `Order ${order.number} is ${order.status}: lines can only be changed while the order is draft`,
    )
  await trx('order_lines').where('orderId', id).delete()
  if (lines.length) await trx('order_lines').insert(lines.map((l) => ({ ...l, orderId: id })))
  await registryOf(context.app).pipeline.reprice(trx, id)
  const fresh = (await trx('orders').where('id', id).first()) as Record<string, unknown>
  context.result = { ...fresh, lines: await trx('order_lines').where('orderId', id).orderBy('id') }
}
