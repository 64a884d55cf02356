import { readFileSync } from 'node:fs'
import type { PluginMigration } from '@plume/core'

const NAME = 'low-stock-after-shipment'
const FILE = new URL('../../rules/alerts/low-stock-after-shipment.json', import.meta.url)

/**
 * The default low-stock rule fired on every shipment while stock stayed low; it now fires once,
 * when a reservation or shipment crosses the reorder point. A database that stored the old default
 * and never changed it (version 1, saved by nobody) gets the new definition as version 2; a rule
 * an admin edited is left alone. A new database is seeded with the new default directly.
 */
export const lowStockCrossingMigration: PluginMigration = {
  name: '20261207000000-low-stock-crossing',
  async up(_ctx, trx) {
    if (!(await trx.schema.hasTable('plume_rules'))) return
    const current = (await trx('plume_rules')
      .where({ name: NAME, version: 1 })
      .whereNull('updatedBy')
      .first('id', 'enabled')) as { id: number; enabled: boolean } | undefined
    if (!current) return
    const { definition } = JSON.parse(readFileSync(FILE, 'utf8')) as { definition: unknown }
    const text = JSON.stringify(definition)
    await trx('plume_rules')
      .where({ id: current.id })
      .update({ definition: text, version: 2, updatedAt: trx.fn.now() })
    await trx('plume_rule_versions').insert({
      ruleId: current.id,
      name: NAME,
      version: 2,
      change: 'upgrade',
      definition: text,
      enabled: current.enabled,
      updatedBy: null,
    })
  },
}
