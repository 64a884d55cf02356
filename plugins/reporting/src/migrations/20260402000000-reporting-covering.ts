import type { PluginMigration } from '@plume/core'

/**
 * Once the covering index and period statistics on `orders` that the order reports read through;
 * they are the orders plugin's now (its migration `20261207100000-report-indexes`, `if not exists`,
 * so a database where this migration made them keeps them). Kept, empty, as history.
 */
export const reportingCoveringMigration: PluginMigration = {
  name: '20260402000000-reporting-covering',
  up: async () => undefined,
}
