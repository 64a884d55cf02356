import type { Knex } from 'knex'
import { canonical } from '../rules/shipped.js'
import { RULES_TABLE, writeRuleHistory } from './store.js'
import type { PermissionRule } from './types.js'

/**
 * Shipped default rules whose stored copy must follow a fix: a database seeded before the fix keeps
 * the old definition (defaults are seeded once), so a copy that is still exactly the old shipped
 * one — version 1, saved by nobody — is upgraded to today's default. A rule an admin edited is left
 * alone (its `updatedBy` or version differs, or its definition is no longer the old one).
 */
const UPGRADES: Array<{ name: string; previous: unknown }> = [
  {
    // `attributes` (admin-set user facts read by rules) became read-only for the user themself (#17)
    name: 'users-self-password',
    previous: {
      name: 'users-self-password',
      description:
        'Every signed-in user may change their own password (with the current one), name and language',
      effect: 'allow',
      entities: ['user'],
      actions: ['patch'],
      conditions: { all: [{ fact: 'user', path: '$.id', operator: 'greaterThan', value: 0 }] },
      row: { id: { $fact: 'user.id' } },
      fields: { readOnly: ['email', 'roles', 'partnerId', 'active'] },
    },
  },
]

/** Upgrades the unedited stored copies of the defaults in UPGRADES; returns how many changed. */
export async function upgradeUneditedRules(knex: Knex, defaults: PermissionRule[]): Promise<number> {
  let upgraded = 0
  for (const { name, previous } of UPGRADES) {
    const next = defaults.find((r) => r.name === name)
    if (!next) continue
    await knex.transaction(async (trx) => {
      const row = (await trx(RULES_TABLE)
        .where({ name, kind: 'permission', version: 1 })
        .whereNull('updatedBy')
        .first('id', 'definition', 'enabled')) as
        { id: number; definition: unknown; enabled: boolean } | undefined
      if (!row) return
      const stored =
        typeof row.definition === 'string' ? (JSON.parse(row.definition) as unknown) : row.definition
      if (canonical(stored) !== canonical(previous)) return
      // another instance starting at the same time upgrades it once: the version guards the write
      const n = await trx(RULES_TABLE)
        .where({ id: row.id, version: 1 })
        .update({ definition: JSON.stringify(next), version: 2, updatedAt: trx.fn.now() })
      if (n !== 1) return
      await writeRuleHistory(
        trx,
        { id: row.id, name, version: 2, definition: next, enabled: row.enabled, updatedBy: null },
        'upgrade',
      )
      upgraded++
    })
  }
  return upgraded
}
