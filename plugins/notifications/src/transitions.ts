import type { AutomationEngine } from '@plume/core/internal'
import type { OrdersApi } from '@plume/plugin-orders'

/**
 * Order transitions as triggers: `before` runs the hold rules of `order/transition/<action>`
 * (a throw vetoes the transition and rolls it back), `after` evaluates the alert rules inside the
 * transition's transaction (their jobs exist only if it commits). Returns the remover.
 */
export function orderTransitionTriggers(orders: OrdersApi, engine: AutomationEngine): () => void {
  return orders.addTransitionHook({
    name: 'automation',
    async before(tc) {
      await engine.hold(
        { entity: 'order', on: 'transition', action: tc.action, record: tc.order, data: tc.data },
        tc.trx,
        { params: tc.params },
      )
    },
    async after(tc) {
      if (!tc.result) return
      await engine.emit(
        {
          entity: 'order',
          on: 'transition',
          action: tc.action,
          record: tc.result,
          previous: tc.order,
          data: tc.data,
        },
        tc.trx,
        { params: tc.params },
      )
    },
  })
}
