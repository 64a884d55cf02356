import type { HookContext, NextFunction } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import { dec, money, type PlumeApp } from '@plume/core'
import { conflict, invalid, isInternal, trxOf } from '../context.js'
import { internal } from './guard-order.js'

interface LineRow {
  id: number
  purchaseOrderId: number
  productId: number
  quantity: number
  unitCost: string | null
}

async function draftOrder(trx: Knex.Transaction, id: number): Promise<{ supplierId: number }> {
  const po = (await trx('purchase_orders')
    .select('status', 'number', 'supplierId')
    .where('id', id)
    .first()) as { status: string; number: string; supplierId: number } | undefined
  if (!po) throw invalid('/purchaseOrderId', 'does not exist')
  if (po.status !== 'draft')
    throw conflict(`Purchase order ${po.number} is ${po.status}: lines change only while it is a draft`, {
      status: po.status,
    })
  return po
}

/** The supplier's price for the product when the supplier lists it, else the product's current cost. */
async function defaultCost(
  trx: Knex.Transaction,
  supplierId: number,
  productId: number,
): Promise<string | undefined> {
  const item = (await trx('supplier_items')
    .select('price')
    .where({ supplierId, productId })
    .orderBy('id')
    .first()) as { price: string } | undefined
  if (item) return item.price
  const product = (await trx('products').select('cost').where('id', productId).first()) as
    { cost: string | null } | undefined
  return product?.cost ?? undefined
}

/** Subtotal = Σ line totals; total = subtotal + freight and duty. Written through the service (event, audit). */
export async function refreshTotals(
  context: HookContext,
  trx: Knex.Transaction,
  purchaseOrderId: number,
): Promise<void> {
  const sum = (await trx('purchase_order_lines')
    .where({ purchaseOrderId })
    .sum({ s: 'lineTotal' })
    .first()) as { s: string | null } | undefined
  const po = (await trx('purchase_orders').select('landedCost').where('id', purchaseOrderId).first()) as
    { landedCost: string } | undefined
  if (!po) return
  const subtotal = money(sum?.s ?? '0')
  await (context.app as PlumeApp)
    .service('api/purchase-orders')
    .patch(
      purchaseOrderId,
      { subtotal, total: money(dec(subtotal).plus(po.landedCost)) },
      internal({ transaction: trx }),
    )
}

/**
 * Purchase order lines: only on a draft order; the unit cost defaults to the supplier item's
 * price, else the product's current cost; the line total is quantity × unit cost; the order's totals
 * follow every change.
 */
export const guardLines = () => async (context: HookContext, next: NextFunction) => {
  if (isInternal(context.params)) return next()
  const trx = trxOf(context)
  const data = (context.data ?? {}) as Record<string, unknown>
  const before =
    context.id === undefined || context.id === null
      ? undefined
      : ((await trx('purchase_order_lines').where('id', context.id).first()) as LineRow | undefined)
  const poId = (data.purchaseOrderId as number | undefined) ?? before?.purchaseOrderId
  if (poId === undefined) return next()
  if (before && data.purchaseOrderId !== undefined && data.purchaseOrderId !== before.purchaseOrderId)
    throw invalid('/purchaseOrderId', 'cannot move a line to another purchase order')
  const po = await draftOrder(trx, poId)
  if (context.method !== 'remove') {
    const productId = (data.productId as number | undefined) ?? before?.productId
    const quantity = (data.quantity as number | undefined) ?? before?.quantity
    let unitCost = (data.unitCost as string | undefined) ?? before?.unitCost ?? undefined
    if (data.productId !== undefined && data.unitCost === undefined)
      unitCost = (await defaultCost(trx, po.supplierId, productId!)) ?? unitCost
    if (unitCost === undefined || unitCost === null)
      throw invalid('/unitCost', 'is required: neither the supplier nor the product has a cost')
    Object.assign(data, { unitCost, lineTotal: money(dec(unitCost).times(quantity ?? 0)) })
    if (context.method === 'create') data.receivedQuantity = 0
  }
  await next()
  await refreshTotals(context, trx, poId)
}
