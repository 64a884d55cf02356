import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createDemoUsers, definePlugin, systemOnly, type PlumeApp } from '@plume/core'
import { automationOf, seedDefaultAlertRules } from '@plume/core/internal'
import type { InventoryApi } from '@plume/plugin-inventory'
import type { OrdersApi } from '@plume/plugin-orders'
import { purchaseOrderActions } from './actions.js'
import { purchasingApi, type PurchasingApi } from './api.js'
import { guardLines } from './hooks/guard-lines.js'
import { guardOrder } from './hooks/guard-order.js'
import { seedPurchasing } from './seed/purchasing.js'
import { costOnShip } from './ship-cost.js'
import { replenishmentService } from './replenish/service.js'
import { apAgingService } from './payables/aging.js'
import { guardSupplierInvoice, guardSupplierPayment } from './payables/hooks.js'
import { scheduleForecasts } from './forecasts/job.js'
import { forecastRunService } from './forecasts/service.js'
import { projectedStockouts } from './forecasts/stockout-fact.js'
import { reorderProposalService } from './replenish/minmax-service.js'

export { movingAverage, spreadLanded, landedUnitCost, type ReceiptLine } from './cost.js'
export { formatPoNumber } from './number.js'
export { PO_ACTIONS, PO_FROM, PO_STATUSES, type PoAction, type PoStatus } from './state-machine.js'
export type { PurchasingApi } from './api.js'
export { suggestions, type Suggestion } from './replenish/suggest.js'
export { apAging, AP_BUCKETS, type SupplierAging } from './payables/aging.js'
export { forecastsFor, type StoredForecast } from './forecasts/store.js'
export { FORECAST_JOB } from './forecasts/job.js'
export { coverDays, projectedStockouts } from './forecasts/stockout-fact.js'
export { minMax, type MinMaxProposal } from './replenish/minmax.js'

const inventories = new WeakMap<object, InventoryApi>()
const ALERTS_DIR = fileURLToPath(new URL('../rules/alerts', import.meta.url))
/** The names of the rules in rules/alerts (left out by the engine while the plugin is off). */
const ALERT_RULES = readdirSync(ALERTS_DIR)
  .filter((f) => f.endsWith('.json'))
  .map(
    (f) =>
      (JSON.parse(readFileSync(join(ALERTS_DIR, f), 'utf8')) as { definition: { name: string } }).definition
        .name,
  )
const inventoryOf = (app: PlumeApp): InventoryApi => {
  const api = inventories.get(app)
  if (!api) throw new Error('purchasing: the inventory plugin is not set up')
  return api
}

const order = [guardOrder()]
const lines = [guardLines()]
const ledger = [systemOnly()]
const invoice = [guardSupplierInvoice()]
const payment = [guardSupplierPayment()]

/**
 * Purchasing: suppliers and what they sell us (supplier SKU, price, minimum order, pack size, lead
 * time), purchase orders draft → sent → partially received → received → closed (or cancelled),
 * receiving against them into stock with landed cost, the moving-average cost per product, and
 * the cost of goods of each order line at shipment, and replenishment suggestions from demand
 * forecasts turned into draft purchase orders, supplier invoices and payments with payables
 * aging. Partner users see none of it.
 * See docs/supply.md.
 */
export default definePlugin<PurchasingApi>({
  name: 'purchasing',
  version: '1.0.0',
  description: {
    en: 'Suppliers, purchase orders, receiving and costing',
    'zh-CN': '供应商、采购单、收货与成本核算',
  },
  dependsOn: ['inventory', 'orders'],
  // rules/alerts is stored in setup, once the notifications plugin's notify action is there (see below)
  alerts: [],
  entities: [fileURLToPath(new URL('../entities', import.meta.url))],
  hooks: {
    purchaseOrder: { create: order, update: order, patch: order, remove: order },
    purchaseOrderLine: { create: lines, update: lines, patch: lines, remove: lines },
    productCost: { create: ledger, update: ledger, patch: ledger, remove: ledger },
    shipmentCost: { create: ledger, update: ledger, patch: ledger, remove: ledger },
    demandForecast: { create: ledger, update: ledger, patch: ledger, remove: ledger },
    supplierInvoice: { create: invoice, update: invoice, patch: invoice, remove: invoice },
    supplierPayment: { create: payment, update: payment, patch: payment, remove: payment },
  },
  actions: { purchaseOrder: purchaseOrderActions(inventoryOf) },
  services: {
    'api/replenishment': (ctx) => replenishmentService(ctx.app, ctx.knex),
    'api/ap-aging': (ctx) => apAgingService(ctx.knex),
    'api/forecast-runs': (ctx) => forecastRunService(ctx.knex),
    'api/reorder-proposals': (ctx) => reorderProposalService(ctx.app, ctx.knex),
  },
  // its permission rules (grants on its entities and services) are data: rules/grants.json, loaded by the host
  async setup(ctx) {
    inventories.set(ctx.app, ctx.use<InventoryApi>('inventory'))
    // what it adds to the platform is registered through ctx.register: the host takes it away again
    // when the plugin is switched off, on every instance, and adds it once per enable
    ctx.register(() => ctx.use<OrdersApi>('orders').addTransitionHook(costOnShip()))
    // stored demand forecasts rerun weekly on the job queue (once across instances)
    const jobs = ctx.app.get('jobs')
    if (jobs) ctx.register(() => scheduleForecasts(jobs, ctx.knex))
    // the fact alert rules read: projected stock-outs per product × warehouse
    const engine = automationOf(ctx.app)
    ctx.register(() => {
      engine.registry.fact(projectedStockouts)
      return () => void engine.registry.facts.delete(projectedStockouts.name)
    })
    // its default rule notifies the buyers: stored (once by name) when the notify action exists —
    // the notifications plugin comes first in the plugin order; without it the rule is not stored.
    // While purchasing is off the engine leaves the rule out, as the host does with declared alerts.
    if (engine.registry.executors.has('notify')) await seedDefaultAlertRules(ctx.app, ALERTS_DIR)
    ctx.register(() => {
      engine.suspend('purchasing', [])
      return () => engine.suspend('purchasing', ALERT_RULES)
    })
    return purchasingApi()
  },
  async seed(ctx) {
    const started = performance.now()
    const n = await ctx.knex.transaction((trx) => seedPurchasing(trx))
    // after the transaction: users are written through their service, which needs the connection (PGlite has one)
    await createDemoUsers(ctx.app, [{ email: 'buyer@demo.plume.local', name: 'Buyer', roles: ['purchaser'] }])
    ctx.logger.info(
      `purchasing demo data (${n.suppliers} suppliers, ${n.items} supplier items, ${n.orders} purchase orders) in ${Math.round(performance.now() - started)} ms`,
    )
  },
})
