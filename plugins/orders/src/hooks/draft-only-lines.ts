import { BadRequest, Conflict, NotFound } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'
import { registryOf } from '../registry.js'
import { callerPartner, trxOf } from './context.js'

/**
 * Order lines change only while their order is draft (409 otherwise); the order row is locked
 * so a concurrent submit cannot slip between the check and the change. After the change the
 * whole order is re-priced and the line is returned with its prices.
 * @example hooks: { orderLine: { create: [draftOnlyLines()], patch: [draftOnlyLines()], update: [draftOnlyLines()], remove: [draftOnlyLines()] } }
 */
export const draftOnlyLines = () => async (context: HookContext, next: NextFunction) => {
  const trx = trxOf(context)
  const data = (context.data ?? {}) as Record<string, unknown>
  let orderId: number
  if (context.method === 'create') {
    orderId = data.orderId as number
  } else {
    const line = (await trx('order_lines').select('orderId').where('id', Number(context.id)).first()) as
      { orderId: number } | undefined
    if (!line) throw new NotFound(`No orderLine with id ${String(context.id)}`)
    orderId = line.orderId
    if (data.orderId !== undefined && data.orderId !== orderId)
      throw new BadRequest('Invalid data: a line cannot move to another order', {
        errors: [{ path: '/orderId', message: 'cannot be changed' }],
      })
  }
  const order = (await trx('orders')
    .select('number', 'status', 'partnerId')
    .where('id', orderId)
    .forUpdate()
    .first()) as { number: string; status: string; partnerId: number | null } | undefined
  const partnerId = callerPartner(context)
  if (!order || (partnerId && order.partnerId !== partnerId)) {
    if (context.method === 'create')
      throw new BadRequest('Invalid data: orderId does not exist', {
        errors: [{ path: '/orderId', message: 'does not exist' }],
      })
    throw new NotFound(`No orderLine with id ${String(context.id)}`)
  }
  if (order.status !== 'draft')
    throw new Conflict(
      `Order ${order.number} is ${order.status}: lines can only be changed while the order is draft`,
    )
  await next()
  await registryOf(context.app).pipeline.reprice(trx, orderId)
  if (context.method !== 'remove') {
    const id = (context.result as { id: number }).id
    context.result = (await trx('order_lines').where('id', id).first()) as unknown
  }
}
