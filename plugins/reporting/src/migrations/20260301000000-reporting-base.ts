import type { PluginMigration } from '@plume/core'
import type { Knex } from 'knex'
import { FILES_TABLE, NOTIFICATIONS_TABLE } from '../schedule/scheduler.js'

/**
 * The tables of scheduled files and their notifications. (The indexes the built-in reports lean
 * on live with the tables they index: the orders and inventory plugins' migrations.)
 */
export async function reportingBase(trx: Knex | Knex.Transaction): Promise<void> {
  // the indexes on orders, order lines and stock movements it made at first are created by the
  // orders and inventory plugins, which own those tables (their migrations `20261207100000-…`)
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
