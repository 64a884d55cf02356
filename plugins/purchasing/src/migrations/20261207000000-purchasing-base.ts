import type { PluginMigration } from '@plume/core'

export const PO_NUMBER_SEQUENCE = 'purchase_order_number_seq'

/** The purchase order number sequence. */
export const purchasingBaseMigration: PluginMigration = {
  name: '20261207000000-purchasing-base',
  async up(_ctx, trx) {
    await trx.raw(`create sequence if not exists ${PO_NUMBER_SEQUENCE}`)
  },
}
