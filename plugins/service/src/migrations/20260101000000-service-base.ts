import type { PluginMigration } from '@plume/core'
import { TICKET_NUMBER_SEQUENCE } from '../number.js'

/** The ticket number sequence. */
export const serviceBaseMigration: PluginMigration = {
  name: '20260101000000-service-base',
  async up(_ctx, trx) {
    await trx.raw(`create sequence if not exists ${TICKET_NUMBER_SEQUENCE}`)
  },
}
