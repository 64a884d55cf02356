import { BadRequest, Forbidden } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'
import { setting } from '@plume/core'
import type { Knex } from 'knex'
import { nextOrderNumber } from '../number.js'
import { resolvePriceList } from '../pricing/resolve.js'
import { registryOf } from '../registry.js'
import { callerPartner, trxOf } from './context.js'
import { idempotent } from './idempotency.js'
import { INLINE_LINES, readInlineLines } from './lift-inline-lines.js'

type Line = Record<string, unknown>

/**
 * Set (in-process only, never from a request) by the price quote: the lines are priced but not
 * written back nor read again (`pipeline.preview`); the create answers the priced lines.
 */
export const PRICE_PREVIEW = 'orderPricePreview'

async function checkCustomer(
  trx: Knex.Transaction,
  data: Record<string, unknown>,
  partnerId: number | undefined,
): Promise<void> {
  const customer = (await trx('customers')
    .select('partnerId', 'status')
    .where('id', data.customerId as number)
    .first()) as { partnerId: number | null; status: string } | undefined
  if (!customer)
    throw new BadRequest('Invalid data: customerId does not exist', {
      errors: [{ path: '/customerId', message: 'does not exist' }],
    })
  if (partnerId && customer.partnerId !== partnerId)
    throw new Forbidden('Partner users can only order for customers of their own partner')
  if (customer.status !== 'active')
    throw new BadRequest(`Invalid data: customer is ${customer.status}`, {
      errors: [{ path: '/customerId', message: `is ${customer.status}` }],
    })
  // a customer served by a partner orders through that partner unless staff say otherwise
  if (data.partnerId === undefined && customer.partnerId) data.partnerId = customer.partnerId
}

/**
 * Order creation: binds partner users to their partner, numbers the order (`SO-2026-000123`),
 * starts it as draft, picks its price list, inserts inline lines and prices everything — all in
 * the create's transaction, at most once per Idempotency-Key.
 * @example hooks: { order: { create: [prepareOrder()] } }
 */
export const prepareOrder = () => async (context: HookContext, next: NextFunction) => {
  const trx = trxOf(context)
  const data = context.data as Record<string, unknown>
  const rawLines = (context.params as Record<string, unknown>)[INLINE_LINES]
  const body = rawLines === undefined ? { ...data } : { ...data, lines: rawLines }
  const lines = readInlineLines(rawLines, setting(context.app, 'entities').get('orderLine'))
  const partnerId = callerPartner(context)
  const { result, replayed } = await idempotent(
    { trx, params: context.params, route: 'POST /api/orders', body, status: 201 },
    async () => {
      if (partnerId) {
        if (data.partnerId !== undefined && data.partnerId !== null && data.partnerId !== partnerId)
          throw new Forbidden('Partner users can only create orders for their own partner')
        data.partnerId = partnerId
        // a partner user cannot pick a price list: it is resolved (customer contract or partner list)
        delete data.priceListId
      }
      await checkCustomer(trx, data, partnerId)
      const orderDate = typeof data.orderDate === 'string' ? new Date(data.orderDate) : new Date()
      data.status = 'draft'
      data.number = await nextOrderNumber(trx, orderDate)
      data.orderDate = orderDate.toISOString()
      if (data.priceListId === undefined || data.priceListId === null)
        data.priceListId = await resolvePriceList(
          trx,
          data as { partnerId?: number | null; customerId?: number | null },
          registryOf(context.app).pricePrecedence,
        )
      await next()
      const order = context.result as Record<string, unknown> & { id: number }
      if (lines.length === 0) return order
      await trx('order_lines').insert(lines.map((l) => ({ ...l, orderId: order.id })))
      const pipeline = registryOf(context.app).pipeline
      const preview = (context.params as Record<string, unknown>)[PRICE_PREVIEW] === true
      const priced = preview ? (await pipeline.preview(trx, order.id)).lines : undefined
      if (!preview) await pipeline.reprice(trx, order.id)
      const fresh = (await trx('orders').where('id', order.id).first()) as Record<string, unknown>
      const withLines =
        priced ?? ((await trx('order_lines').where('orderId', order.id).orderBy('id')) as Line[])
      return { ...fresh, lines: withLines }
    },
  )
  context.result = result
  // a replay created nothing: no `created` event
  if (replayed) context.event = null
}
