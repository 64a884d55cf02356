import type { Knex } from 'knex'
import type { PricingStep } from './pricing/types.js'
import type { OrderTotals } from './pricing/totals.js'
import { registryOf } from './registry.js'
import { allowedActions, type OrderAction } from './state-machine.js'
import type { OrderRow, TransitionHook } from './transitions.js'
import { runAction, type PlumeApp } from '@plume/core'

/** What `ctx.use('orders')` returns: the extension points of the order loop. */
export interface OrdersApi {
  /** Adds a pricing step (promotions, contract prices …); returns a function removing it. */
  addPricingStep(step: PricingStep): () => void
  /** Adds a hook around transitions (credit checks …); a throw vetoes and rolls back. Returns a remover. */
  addTransitionHook(hook: TransitionHook): () => void
  /** Re-prices a draft order (lines and totals) inside `trx`. */
  reprice(trx: Knex.Transaction, orderId: number): Promise<OrderTotals>
  /**
   * Runs an order action in-process inside `trx` through the action layer (`runAction`): the
   * same path as `POST /api/orders/:id/<action>`, authorized as `params.user` when given.
   */
  transition(
    trx: Knex.Transaction,
    orderId: number,
    action: OrderAction,
    data?: Record<string, unknown>,
    params?: Record<string, unknown>,
  ): Promise<OrderRow>
  allowedActions(status: string): OrderAction[]
  /** Names of the pricing steps in the order they run (`100:base-price` …). */
  pricingSteps(): string[]
}

/**
 * The orders API of one app (what the plugin's `setup` returns; tests use it directly).
 * @example ordersApi(app).addTransitionHook({ actions: ['submit'], before(ctx) { … } })
 */
export function ordersApi(app: PlumeApp): OrdersApi {
  const registry = registryOf(app)
  return {
    addPricingStep: (step) => registry.pipeline.add(step),
    addTransitionHook(hook) {
      registry.transitionHooks.push(hook)
      return () => {
        registry.transitionHooks = registry.transitionHooks.filter((h) => h !== hook)
      }
    },
    reprice: (trx, orderId) => registry.pipeline.reprice(trx, orderId),
    transition: (trx, orderId, action, data = {}, params = {}) =>
      runAction<OrderRow>(app, { entity: 'order', id: orderId, action, data, params, trx }),
    allowedActions,
    pricingSteps: () => registry.pipeline.names(),
  }
}
