import type { Knex } from 'knex'

/** Default targets per priority (minutes): a business can change them in the admin screens. */
export const DEFAULT_SLA_POLICIES = [
  { priority: 'urgent', firstResponseMinutes: 30, resolutionMinutes: 240 },
  { priority: 'high', firstResponseMinutes: 60, resolutionMinutes: 480 },
  { priority: 'normal', firstResponseMinutes: 240, resolutionMinutes: 1440 },
  { priority: 'low', firstResponseMinutes: 1440, resolutionMinutes: 4320 },
]

/** The default SLA policies, where none exists yet for a priority. */
export async function seedSlaPolicies(trx: Knex.Transaction): Promise<number> {
  const rows = (await trx('sla_policies')
    .insert(DEFAULT_SLA_POLICIES.map((p) => ({ ...p, active: true })))
    .onConflict('priority')
    .ignore()
    .returning('id')) as unknown[]
  return rows.length
}
