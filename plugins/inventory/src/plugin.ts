import { createDemoUsers, definePlugin } from '@plume/core'
import { addAvailable } from './hooks/add-available.js'
import { ledgerOnly } from './hooks/ledger-only.js'
import { protectStockedLevel } from './hooks/protect-stocked-level.js'
import { seedCatalog } from './seed/catalog.js'
import { stockAdjustmentsService } from './services/stock-adjustments.js'
import { stockReceiptsService } from './services/stock-receipts.js'
import { stockTransfersService } from './services/stock-transfers.js'
import { createInventoryApi, type InventoryApi } from './stock.js'

export type {
  InventoryApi,
  MovementKind,
  StockAdjustment,
  StockChange,
  StockResult,
  StockTransfer,
} from './stock.js'
export { createInventoryApi, insufficientStock } from './stock.js'
export { seededRandom, insertRows, type Random } from './seed/random.js'
export {
  forecastSeries,
  policy,
  suggestQuantity,
  stockoutPeriod,
  inventoryPosition,
  classify,
  type ForecastResult,
  type Policy,
  type Position,
} from './forecast/index.js'
export { STOCK_CHECKS, addStockChecks } from './migrations/20260101000000-stock-level-checks.js'

/**
 * Inventory: warehouses, stock levels and the stock ledger. Every change of on hand or reserved
 * goes through the API this plugin returns from `setup` (`ctx.use('inventory')`) and writes a
 * movement in the same statement; CHECK constraints make overselling impossible in the database.
 */
export default definePlugin<InventoryApi>({
  name: 'inventory',
  version: '1.0.0',
  description: { en: 'Stock levels, reservations and the stock ledger', 'zh-CN': '库存、预留与库存流水' },
  hooks: {
    stockLevel: {
      find: [addAvailable()],
      get: [addAvailable()],
      remove: [protectStockedLevel()],
    },
    stockMovement: {
      create: [ledgerOnly()],
      update: [ledgerOnly()],
      patch: [ledgerOnly()],
      remove: [ledgerOnly()],
    },
  },
  services: {
    'api/stock-transfers': (ctx) => stockTransfersService(ctx.knex, createInventoryApi(ctx.app)),
    'api/stock-receipts': (ctx) => stockReceiptsService(ctx.knex, createInventoryApi(ctx.app)),
    'api/stock-adjustments': (ctx) => stockAdjustmentsService(ctx.knex, createInventoryApi(ctx.app)),
  },
  // its permission rules (grants on its entities and services) are data: rules/grants.json, loaded by the host
  setup: (ctx) => createInventoryApi(ctx.app),
  async seed(ctx) {
    const started = performance.now()
    await ctx.knex.transaction((trx) => seedCatalog(trx))
    await createDemoUsers(ctx.app, [
      { email: 'warehouse@demo.plume.local', name: 'Warehouse clerk', roles: ['warehouse'] },
    ])
    ctx.logger.info(
      `inventory demo data (3 warehouses, 200 products, opening stock) in ${Math.round(performance.now() - started)} ms`,
    )
  },
})
