import type { HookContext, NextFunction } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import { trxOf } from './context.js'

/** Order fields copied onto every line (`entities/orderLine-order-facts.json`). */
export const LINE_FACTS = ['orderDate', 'status', 'partnerId', 'customerId'] as const

/**
 * Copies the facts of orders onto their lines where they differ — one statement, in the caller's
 * transaction. Pricing writes them with every line and transitions write `status`; this covers
 * the rest (a header patch of date, customer or partner).
 * @example await copyOrderFacts(trx, [orderId])
 */
export async function copyOrderFacts(trx: Knex | Knex.Transaction, orderIds: number[]): Promise<void> {
  if (orderIds.length === 0) return
  await trx.raw(
    `update order_lines l set "orderDate" = o."orderDate", status = o.status, "partnerId" = o."partnerId", "customerId" = o."customerId"
       from orders o
      where o.id = any(?::int[]) and l."orderId" = o.id
        and (l."orderDate", l.status, l."partnerId", l."customerId") is distinct from (o."orderDate", o.status, o."partnerId", o."customerId")`,
    [orderIds],
  )
}

/**
 * After an order is patched or replaced (by a client or internally), its lines get the new
 * date/customer/partner in the same transaction.
 * @example hooks: { order: { patch: [guardOrder(), syncLineFacts()], update: [guardOrder(), syncLineFacts()] } }
 */
export const syncLineFacts = () => async (context: HookContext, next: NextFunction) => {
  await next()
  const data = (context.data ?? {}) as Record<string, unknown>
  if (context.method === 'patch' && !LINE_FACTS.some((f) => f in data)) return
  const rows =
    context.id !== null && context.id !== undefined
      ? [{ id: context.id }]
      : Array.isArray(context.result)
        ? (context.result as unknown[])
        : []
  const ids = rows.map((r) => Number((r as { id?: unknown } | null)?.id)).filter(Number.isInteger)
  await copyOrderFacts(trxOf(context), ids)
}
