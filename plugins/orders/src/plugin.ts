import { fileURLToPath } from 'node:url'
import { definePlugin, type ActionDefinition } from '@plume/core'
import type { InventoryApi } from '@plume/plugin-inventory'
import { ordersApi, type OrdersApi } from './api.js'
import { draftOnlyLines } from './hooks/draft-only-lines.js'
import { guardOrder } from './hooks/guard-order.js'
import { liftInlineLines } from './hooks/lift-inline-lines.js'
import { partnerScope } from './hooks/partner-scope.js'
import { prepareOrder } from './hooks/prepare-order.js'
import { replaceLines } from './hooks/replace-lines.js'
import { orderQuoteService } from './quote/service.js'
import { customerHistoryService } from './customer-history/service.js'
import { syncLineFacts } from './hooks/sync-line-facts.js'
import { priceListPrecedence } from './pricing/resolve.js'
import { registryOf } from './registry.js'
import { seedOrders } from './seed/orders.js'
import { ACTIONS, TRANSITIONS, type OrderAction } from './state-machine.js'
import { ORDER_ACTION_INPUTS } from './action-inputs.js'
import { runTransition, transitionReads } from './transitions.js'

export { ordersApi, type OrdersApi } from './api.js'
export type { Adjustment, PricedLine, PricingContext, PricingStep } from './pricing/types.js'
export type { OrderTotals } from './pricing/totals.js'
export type { TransitionContext, TransitionHook, TransitionReads, OrderRow } from './transitions.js'
export type { PurchaseHistory } from './customer-history/service.js'
export {
  allowedActions,
  assertTransition,
  TRANSITIONS,
  type OrderAction,
  type OrderStatus,
} from './state-machine.js'
export { idempotent, idempotencyKey, expireIdempotencyKeys, idempotencyTtlMs } from './hooks/idempotency.js'
import { expireIdempotencyKeys } from './hooks/idempotency.js'
export { Money, money } from './money.js'
export {
  pickPriceList,
  priceListPrecedence,
  resolvePriceList,
  type PriceListPrecedence,
} from './pricing/resolve.js'

const LABELS: Record<OrderAction, { en: string; 'zh-CN': string }> = {
  submit: { en: 'Submit', 'zh-CN': '提交' },
  approve: { en: 'Approve', 'zh-CN': '审批' },
  ship: { en: 'Ship', 'zh-CN': '发货' },
  deliver: { en: 'Deliver', 'zh-CN': '送达' },
  close: { en: 'Close', 'zh-CN': '关闭' },
  cancel: { en: 'Cancel', 'zh-CN': '取消' },
}

const actions: Record<string, ActionDefinition> = Object.fromEntries(
  ACTIONS.map((action) => [
    action,
    {
      label: LABELS[action],
      input: ORDER_ACTION_INPUTS[action],
      states: TRANSITIONS[action].from,
      handler: (_id, data, ctx) => runTransition(action, data, ctx),
      // the transition's reads go out with the order's lock (one round trip)
      prefetch: async (id, { app, trx }) => transitionReads(app, action, trx, id),
    } satisfies ActionDefinition,
  ]),
)

const lineHooks = [draftOnlyLines()]

/**
 * Orders: numbering, pricing pipeline, state machine with stock reservation, idempotent
 * creation and transitions. See docs/orders.md.
 */
export default definePlugin<OrdersApi>({
  name: 'orders',
  version: '1.0.0',
  description: {
    en: 'Sales orders: pricing, state machine, stock reservation',
    'zh-CN': '销售订单：定价、状态流转、库存预留',
  },
  dependsOn: ['inventory', 'partners', 'crm'],
  entities: [fileURLToPath(new URL('../entities', import.meta.url))],
  // its permission rules (grants on its entities and services) are data: rules/grants.json, loaded by the host
  hooks: {
    order: {
      find: [partnerScope()],
      get: [partnerScope()],
      create: [prepareOrder()],
      update: [guardOrder(), syncLineFacts()],
      patch: [replaceLines(), guardOrder(), syncLineFacts()],
      remove: [guardOrder()],
    },
    orderLine: { create: lineHooks, update: lineHooks, patch: lineHooks, remove: lineHooks },
  },
  actions: { order: actions },
  // price quotes: the create path and pricing pipeline in a transaction that rolls back;
  // a customer's purchase history (its orders)
  services: {
    'api/order-quotes': orderQuoteService,
    'api/customer-history': (ctx) => customerHistoryService(ctx.knex),
  },
  setup(ctx) {
    const registry = registryOf(ctx.app)
    registry.inventory = ctx.use<InventoryApi>('inventory')
    registry.pricePrecedence = priceListPrecedence()
    liftInlineLines(ctx.app)
    // Idempotency-Keys are remembered for a day (PLUME_IDEMPOTENCY_TTL_HOURS), then forgotten
    const jobs = ctx.app.get('jobs')
    registry.stopMaintenance?.()
    registry.stopMaintenance = jobs?.maintenance.every('orders.idempotency-expiry', 3_600_000, (now) =>
      expireIdempotencyKeys(ctx.knex, now),
    )
    return ordersApi(ctx.app)
  },
  async disable(ctx) {
    const registry = registryOf(ctx.app)
    registry.stopMaintenance?.()
    registry.stopMaintenance = undefined
  },
  async seed(ctx) {
    const started = performance.now()
    const counts = await ctx.knex.transaction((trx) => seedOrders(trx))
    ctx.logger.info(
      `orders demo data (${counts.orders} orders, ${counts.lines} lines, ${counts.movements} stock movements) in ${Math.round(performance.now() - started)} ms`,
    )
  },
})
