import type { PluginMigration } from '@plume/core'

/**
 * The risk score reads a buyer's latest orders (`order by "submittedAt" desc limit 11`): these
 * indexes make that a short backward scan instead of a sort of all the buyer's orders.
 */
export const scoreIndexesMigration: PluginMigration = {
  name: '20260501000000-score-indexes',
  async up(_ctx, trx) {
    await trx.raw(
      `create index if not exists risk_orders_customer_submitted on orders ("customerId", "submittedAt" desc, id desc) where "submittedAt" is not null`,
    )
    await trx.raw(
      `create index if not exists risk_orders_partner_submitted on orders ("partnerId", "submittedAt" desc, id desc) where "submittedAt" is not null`,
    )
  },
}
