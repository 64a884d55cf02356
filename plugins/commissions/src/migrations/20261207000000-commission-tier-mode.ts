import type { Knex } from 'knex'
import type { PluginMigration } from '@plume/core'

/**
 * Plans made before tier modes existed paid the reached tier on the whole order: they keep that
 * (`cliff`); the migrator has added the column with the default of new plans (`marginal`).
 */
export async function keepCliffTiers(trx: Knex | Knex.Transaction): Promise<number> {
  const exists = (await trx.raw(
    `select 1 from information_schema.columns where table_name = 'commission_plans' and column_name = 'tierMode' and table_schema = current_schema()`,
  )) as { rows: unknown[] }
  if (!exists.rows.length) return 0
  return trx('commission_plans').update({ tierMode: 'cliff' })
}

export const commissionTierModeMigration: PluginMigration = {
  name: '20261207000000-commission-tier-mode',
  up: async (_ctx, trx) => {
    await keepCliffTiers(trx)
  },
}
