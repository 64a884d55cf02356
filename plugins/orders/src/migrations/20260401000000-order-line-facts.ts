import type { Knex } from 'knex'
import type { PluginMigration } from '@plume/core'

const PERIODS = ['day', 'week', 'month', 'quarter', 'year']

/**
 * Lines written before they carried their order's facts get them (the migrator has added the
 * columns from entities/orderLine-order-facts.json); from now on the plugin keeps them equal.
 * Reports read lines by these facts, so they get their index here, where the columns are made:
 * `(status, orderDate)` covering what the line reports add up, so "sold lines" (of a period) is an
 * index-only range scan; and statistics on the periods reports group by, so the planner knows
 * a month of lines is one group, not one per timestamp (and hashes them in parallel).
 */
export async function orderLineFacts(trx: Knex | Knex.Transaction): Promise<void> {
  await trx.raw(`update order_lines l set "orderDate" = o."orderDate", status = o.status, "partnerId" = o."partnerId", "customerId" = o."customerId"
    from orders o
   where o.id = l."orderId"
     and (l."orderDate", l.status, l."partnerId", l."customerId") is distinct from (o."orderDate", o.status, o."partnerId", o."customerId")`)
  await trx.raw(`create index if not exists plume_order_lines_status_date on order_lines (status, "orderDate")
    include ("productId", "orderId", quantity, "lineTotal", discount, "promotionId", "partnerId")`)
  for (const p of PERIODS) {
    await trx.raw(
      `create statistics if not exists plume_order_lines_${p} on (extract(epoch from date_trunc('${p}', "orderDate" at time zone 'UTC'))) from order_lines`,
    )
  }
}

export const orderLineFactsMigration: PluginMigration = {
  name: '20260401000000-order-line-facts',
  up: (_ctx, trx) => orderLineFacts(trx),
}
