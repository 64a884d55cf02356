import type { Knex } from 'knex'
import type { PluginMigration } from '@plume/core'
import { IDEMPOTENCY_TABLE } from '../hooks/idempotency.js'

export const ORDER_NUMBER_SEQUENCE = 'plume_order_number_seq'

/** Order numbers and the idempotency store. */
export async function ordersBase(trx: Knex | Knex.Transaction): Promise<void> {
  await trx.raw(`create sequence if not exists ${ORDER_NUMBER_SEQUENCE}`)
  await trx.raw(`create table if not exists ${IDEMPOTENCY_TABLE} (
    key text not null,
    user_id integer not null,
    route text not null,
    request_hash text not null,
    status integer not null,
    response jsonb,
    created_at timestamptz not null default now(),
    constraint plume_idempotency_key_user_route unique (key, user_id, route)
  )`)
  await trx.raw(
    `create index if not exists plume_idempotency_created_at on ${IDEMPOTENCY_TABLE} (created_at)`,
  )
}

export const ordersBaseMigration: PluginMigration = {
  name: '20260101000000-orders-base',
  up: (_ctx, trx) => ordersBase(trx),
}
