import { Conflict, Forbidden, NotFound } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'
import { resolvePriceList } from '../pricing/resolve.js'
import { registryOf } from '../registry.js'
import { callerPartner, trxOf } from './context.js'

const PRICING_FIELDS = ['customerId', 'partnerId', 'priceListId', 'currency']

/**
 * Clients change an order only while it is draft (status and its timestamps move through the
 * actions); partner users only their own partner's orders, never to another partner. A change
 * of customer, partner, price list or currency re-prices the order.
 * @example hooks: { order: { patch: [guardOrder()], update: [guardOrder()], remove: [guardOrder()] } }
 */
export const guardOrder = () => async (context: HookContext, next: NextFunction) => {
  if (!context.params.provider) return next()
  const trx = trxOf(context)
  const id = Number(context.id)
  const order = (await trx('orders')
    .select('number', 'status', 'partnerId', 'customerId')
    .where('id', id)
    .forUpdate()
    .first()) as { number: string; status: string; partnerId: number | null; customerId: number } | undefined
  const partnerId = callerPartner(context)
  if (!order || (partnerId && order.partnerId !== partnerId))
    throw new NotFound(`No order with id ${String(context.id)}`)
  if (order.status !== 'draft')
    throw new Conflict(
      `Order ${order.number} is ${order.status}: only draft orders can be changed; use the order actions`,
    )
  if (context.method === 'remove') return next()
  const data = context.data as Record<string, unknown>
  if (partnerId) {
    if (data.partnerId !== undefined && data.partnerId !== partnerId)
      throw new Forbidden('Partner users cannot move an order to another partner')
    if (context.method === 'update') data.partnerId = partnerId
    delete data.priceListId
  }
  const reprice = PRICING_FIELDS.some((f) => f in data)
  if (reprice && (partnerId || !('priceListId' in data))) {
    data.priceListId = await resolvePriceList(
      trx,
      {
        partnerId: (data.partnerId as number | null | undefined) ?? order.partnerId,
        customerId: (data.customerId as number | undefined) ?? order.customerId,
      },
      registryOf(context.app).pricePrecedence,
    )
  }
  await next()
  if (reprice) {
    await registryOf(context.app).pipeline.reprice(trx, id)
    context.result = (await trx('orders').where('id', id).first()) as unknown
  }
}
