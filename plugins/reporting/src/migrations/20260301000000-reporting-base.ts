import type { PluginMigration } from '@plume/core'
import type { Knex } from 'knex'
import { FILES_TABLE, NOTIFICATIONS_TABLE } from '../schedule/scheduler.js'

/**
 * Indexes the built-in reports lean on (a report filtered by partner and date reads one index
 * range instead of the table), and the tables of scheduled files and their notifications.
 */
export async function reportingBase(trx: Knex | Knex.Transaction): Promise<void> {
  await trx.raw('create index if not exists plume_rep_orders_partner_date on orders ("partnerId", "orderDate")')
  await trx.raw('create index if not exists plume_rep_orders_date on orders ("orderDate")')
  await trx.raw('create index if not exists plume_rep_orders_customer_date on orders ("customerId", "orderDate")')
  await trx.raw('create index if not exists plume_rep_lines_promotion on order_lines ("promotionId") where "promotionId" is not null')
  await trx.raw('create index if not exists plume_rep_movements_outbound on stock_movements ("productId", "warehouseId", "occurredAt") where kind in (\'shipment\', \'transfer_out\')')
  await trx.raw(`create table if not exists ${FILES_TABLE} (
    id serial primary key,
    "definitionId" integer not null references report_definitions(id) on delete cascade,
    "reportCode" text not null,
    "scheduledFor" timestamptz not null,
    format text not null,
    filename text not null,
    "contentType" text not null,
    content bytea,
    rows integer,
    error text,
    "createdAt" timestamptz not null default now(),
    constraint plume_report_files_slot unique ("definitionId", "scheduledFor")
  )`)
  await trx.raw(`create table if not exists ${NOTIFICATIONS_TABLE} (
    id serial primary key,
    "fileId" integer not null references ${FILES_TABLE}(id) on delete cascade,
    "reportCode" text not null,
    message text not null,
    "createdAt" timestamptz not null default now(),
    "readAt" timestamptz
  )`)
}

export const reportingBaseMigration: PluginMigration = {
  name: '20260301000000-reporting-base',
  up: (_ctx, trx) => reportingBase(trx),
}
