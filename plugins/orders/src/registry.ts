import type { InventoryApi } from '@plume/plugin-inventory'
import { PricingPipeline } from './pricing/pipeline.js'
import type { PriceListPrecedence } from './pricing/resolve.js'
import type { TransitionHook } from './transitions.js'

/** Per-app state of the orders plugin: extension points filled by other plugins. */
export interface OrdersRegistry {
  pipeline: PricingPipeline
  transitionHooks: TransitionHook[]
  inventory?: InventoryApi
  /** Customer contract list or partner list first (`PLUME_PRICE_LIST_PRECEDENCE`, read at setup). */
  pricePrecedence: PriceListPrecedence
  /** Removes the plugin's maintenance task (on disable). */
  stopMaintenance?: () => void
}

const registries = new WeakMap<object, OrdersRegistry>()

/** The registry of one app (tests run several apps in one process). */
export function registryOf(app: object): OrdersRegistry {
  let r = registries.get(app)
  if (!r) {
    r = { pipeline: new PricingPipeline(), transitionHooks: [], pricePrecedence: 'customer' }
    registries.set(app, r)
  }
  return r
}
