import type { Knex } from 'knex'
import type { PluginMigration } from '@plume/core'

/** Named so that a violation is recognisable in logs; none of them is ever expected to fire. */
export const STOCK_CHECKS: Array<{ name: string; expr: string }> = [
  { name: 'stock_levels_on_hand_not_negative', expr: '"onHand" >= 0' },
  { name: 'stock_levels_reserved_not_negative', expr: 'reserved >= 0' },
  { name: 'stock_levels_reserved_within_on_hand', expr: 'reserved <= "onHand"' },
]

/** Adds the never-oversell checks (idempotent: a check that exists is left alone). */
export async function addStockChecks(trx: Knex | Knex.Transaction): Promise<void> {
  for (const c of STOCK_CHECKS) {
    const exists = await trx.raw('select 1 from pg_constraint where conname = ?', [c.name])
    if ((exists as { rows: unknown[] }).rows.length) continue
    await trx.raw(`alter table stock_levels add constraint "${c.name}" check (${c.expr})`)
  }
  await trx.raw('create sequence if not exists plume_stock_transfer_seq')
}

export const stockLevelChecks: PluginMigration = {
  name: '20260101000000-stock-level-checks',
  up: (_ctx, trx) => addStockChecks(trx),
}
