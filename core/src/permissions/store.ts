import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Knex } from 'knex'
import {
  loadStoredRules,
  readRuleFiles as readFolder,
  seedStoredRules,
  type RuleFile,
} from '../rules/store.js'
import type { FieldError } from '../validation/ajv.js'
import type { PermissionRule, StoredRule } from './types.js'

// the store is the one rule store of core/src/rules (every rule kind)
export {
  ensureRuleTables,
  getRule,
  ignoreRace,
  invalidRule,
  parseRuleId,
  queryRules,
  ruleActor,
  RULES_TABLE,
  VERSIONS_TABLE,
  writeRuleHistory,
  type RuleFile,
} from '../rules/store.js'

/** `metadata/rules/permissions`: the default rules, one JSON file per role (an array of rules). */
export const DEFAULT_RULES_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../metadata/rules/permissions',
)

/** Reads the default rule files (each an array of rules, or one rule). */
export const readRuleFiles = (dir = DEFAULT_RULES_DIR): RuleFile[] => readFolder(dir)

export class RuleFileError extends Error {
  constructor(readonly problems: Array<FieldError & { source: string }>) {
    super(
      `${problems.length} permission rule error(s):\n${problems.map((p) => `${p.source} ${p.path}: ${p.message}`).join('\n')}`,
    )
    this.name = 'RuleFileError'
  }
}

/**
 * Inserts the default rules whose names were never stored (a rule an admin deleted stays
 * deleted: its name is in the history). Runs on every start; a no-op once seeded.
 */
export const seedRules = (knex: Knex, rules: PermissionRule[]): Promise<number> =>
  seedStoredRules(
    knex,
    rules.map((definition) => ({ name: definition.name, kind: 'permission', enabled: true, definition })),
  )

/** Enabled permission rules, for the engine. */
export async function loadEnabledRules(knex: Knex): Promise<PermissionRule[]> {
  return (await loadStoredRules<StoredRule>(knex, ['permission'])).map((r) => r.definition)
}
