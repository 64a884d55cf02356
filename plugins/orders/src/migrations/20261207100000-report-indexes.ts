import type { Knex } from 'knex'
import type { PluginMigration } from '@plume/core'

const PERIODS = ['day', 'week', 'month', 'quarter', 'year']

/**
 * The indexes and statistics on the orders tables that reports by period, partner, customer and
 * promotion read through. They belonged to the reporting plugin's first migrations; the orders
 * plugin owns its tables, so it creates them now. `if not exists`: a database where reporting
 * already made them keeps them as they are.
 */
export async function orderReportIndexes(trx: Knex | Knex.Transaction): Promise<void> {
  await trx.raw(
    'create index if not exists plume_rep_orders_partner_date on orders ("partnerId", "orderDate")',
  )
  await trx.raw('create index if not exists plume_rep_orders_date on orders ("orderDate")')
  await trx.raw(
    'create index if not exists plume_rep_orders_customer_date on orders ("customerId", "orderDate")',
  )
  await trx.raw(
    'create index if not exists plume_rep_lines_promotion on order_lines ("promotionId") where "promotionId" is not null',
  )
  // sold orders through one covering index (an index-only range scan), and statistics on the
  // periods reports group by, so the planner expects a few dozen months, not a million timestamps
  await trx.raw(
    'create index if not exists plume_rep_orders_status_date_cover on orders (status, "orderDate") include (total, "partnerId", "customerId")',
  )
  for (const p of PERIODS) {
    await trx.raw(
      `create statistics if not exists plume_rep_orders_${p} on (extract(epoch from date_trunc('${p}', "orderDate" at time zone 'UTC'))) from orders`,
    )
  }
}

export const orderReportIndexesMigration: PluginMigration = {
  name: '20261207100000-report-indexes',
  up: (_ctx, trx) => orderReportIndexes(trx),
}
