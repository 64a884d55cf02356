import { dec, money } from '@plume/core'
import type { TransitionHook } from '@plume/plugin-orders'
import { nowOf } from './context.js'

/**
 * When an order ships, each line's cost of goods is recorded at the product's moving-average
 * cost of that moment (its `cost` when it was never received against a purchase order), so that
 * margins use the cost of the time, not today's.
 */
export const costOnShip = (): TransitionHook => ({
  name: 'purchasing:cost-on-ship',
  actions: ['ship'],
  async after({ trx, order, lines, params }) {
    if (!lines.length) return
    const ids = [...new Set(lines.map((l) => l.productId))]
    const costs = (await trx('products as p')
      .leftJoin('product_costs as c', 'c.productId', 'p.id')
      .select('p.id', 'p.cost', 'c.averageCost')
      .whereIn('p.id', ids)) as Array<{ id: number; cost: string | null; averageCost: string | null }>
    const unit = new Map(costs.map((c) => [c.id, c.averageCost ?? c.cost ?? '0']))
    const shippedAt = nowOf(params).toISOString()
    const rows = lines.map((l) => {
      const unitCost = dec(unit.get(l.productId) ?? '0').toFixed(4)
      return {
        orderLineId: l.id,
        orderId: order.id,
        productId: l.productId,
        quantity: l.quantity,
        unitCost,
        totalCost: money(dec(unitCost).times(l.quantity)),
        shippedAt,
      }
    })
    await trx('shipment_costs').insert(rows).onConflict('orderLineId').merge()
  },
})
