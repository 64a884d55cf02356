import type { Knex } from 'knex'
import type { PluginMigration } from '@plume/core'
import { COUNTER_TABLE } from '../numbering.js'

/** Named so that a violation is recognisable in logs; the services check first (409), these are the backstop. */
export const FINANCE_CHECKS: Array<{ table: string; name: string; expr: string }> = [
  { table: 'invoices', name: 'invoices_paid_not_negative', expr: '"amountPaid" >= 0 and "creditTotal" >= 0' },
  {
    table: 'invoices',
    name: 'invoices_settled_within_total',
    expr: `status in ('draft', 'void') or "amountPaid" + "creditTotal" <= total`,
  },
  {
    table: 'payments',
    name: 'payments_unallocated_within_amount',
    expr: 'unallocated >= 0 and unallocated <= amount',
  },
]

/** The document counters and the money checks (idempotent). */
export async function financeBase(trx: Knex | Knex.Transaction): Promise<void> {
  await trx.raw(`create table if not exists ${COUNTER_TABLE} (
    series varchar(16) not null,
    year integer not null,
    last integer not null default 0,
    primary key (series, year)
  )`)
  for (const c of FINANCE_CHECKS) {
    const exists = await trx.raw('select 1 from pg_constraint where conname = ?', [c.name])
    if ((exists as { rows: unknown[] }).rows.length) continue
    await trx.raw(`alter table ${c.table} add constraint "${c.name}" check (${c.expr})`)
  }
}

export const financeBaseMigration: PluginMigration = {
  name: '20260101000000-finance-base',
  up: (_ctx, trx) => financeBase(trx),
}
