import type { HookContext, NextFunction } from '@feathersjs/feathers'
import { conflict, INTERNAL, invalid, isInternal, nowOf, trxOf, type Params } from '../context.js'
import { nextPoNumber } from '../number.js'

/**
 * Purchase orders: created as a numbered draft (`PO-2026-000001`) for an active supplier; changed
 * or removed only while draft — after that, only through the actions (send, receive, close,
 * cancel), which write with the plugin's internal flag.
 * @example hooks: { purchaseOrder: { create: [guardOrder()], patch: [guardOrder()], … } }
 */
export const guardOrder = () => async (context: HookContext, next: NextFunction) => {
  if (isInternal(context.params)) return next()
  const trx = trxOf(context)
  const data = (context.data ?? {}) as Record<string, unknown>
  if (context.method === 'create') {
    const supplier = (await trx('suppliers')
      .select('active', 'currency')
      .where('id', data.supplierId as number)
      .first()) as { active: boolean; currency: string } | undefined
    if (!supplier) throw invalid('/supplierId', 'does not exist')
    if (supplier.active === false) throw invalid('/supplierId', 'is not an active supplier')
    const now = nowOf(context.params as Params)
    Object.assign(data, {
      number: await nextPoNumber(trx, now),
      status: 'draft',
      subtotal: '0.00',
      landedCost: '0.00',
      total: '0.00',
    })
    data.orderDate ??= now.toISOString()
    data.currency ??= supplier.currency
    return next()
  }
  const po = (await trx('purchase_orders')
    .select('status', 'number')
    .where('id', context.id as number)
    .first()) as { status: string; number: string } | undefined
  if (po && po.status !== 'draft')
    throw conflict(`Purchase order ${po.number} is ${po.status}: only a draft can be changed`, {
      status: po.status,
    })
  return next()
}

/** Params of the plugin's own writes (actions, totals): its guards let them through. */
export const internal = <P extends { transaction: unknown }>(params: P) => ({ ...params, [INTERNAL]: true })
