import type { PluginMigration } from '@plume/core'
import type { Knex } from 'knex'

const PERIODS = ['day', 'week', 'month', 'quarter', 'year']

/**
 * The order reports (by period, partner, territory, customer) read sold orders through one
 * covering index — an index-only range scan instead of the table — and the planner gets
 * statistics on the periods they group by (`date_trunc` of `orderDate` as the report SQL writes
 * it), so it expects a few dozen months rather than a million timestamps and hash-aggregates in
 * parallel instead of sorting every order.
 */
export async function reportingCovering(trx: Knex | Knex.Transaction): Promise<void> {
  await trx.raw('create index if not exists plume_rep_orders_status_date_cover on orders (status, "orderDate") include (total, "partnerId", "customerId")')
  for (const p of PERIODS) {
    await trx.raw(`create statistics if not exists plume_rep_orders_${p} on (extract(epoch from date_trunc('${p}', "orderDate" at time zone 'UTC'))) from orders`)
  }
}

export const reportingCoveringMigration: PluginMigration = {
  name: '20260402000000-reporting-covering',
  up: (_ctx, trx) => reportingCovering(trx),
}
