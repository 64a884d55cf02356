import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Knex } from 'knex'
import {
  ignoreRace,
  loadStoredRules,
  readRuleFiles,
  RULES_TABLE,
  rulesStamp as stampOf,
  seedStoredRules,
  shapeStored,
  VERSIONS_TABLE,
} from '../rules/store.js'
import { RULE_KINDS, type AutomationRule, type RuleKind, type StoredAutomationRule } from './types.js'

/**
 * `metadata/rules/alerts`: the core's default alert/automation rules, one JSON file each (a rule
 * or an array); plugins ship theirs in `rules/alerts/`.
 */
export const DEFAULT_ALERT_RULES_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../metadata/rules/alerts',
)

export const FIRINGS_TABLE = 'plume_alert_firings'
export const SLOTS_TABLE = 'plume_alert_schedule_slots'
export { RULES_TABLE, VERSIONS_TABLE }

/** Creates the firing log and the schedule slot table when missing (the rule tables belong to the rule store, `core/src/rules/store.ts`). */
export async function ensureAutomationTables(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable(FIRINGS_TABLE))) {
    await knex.schema
      .createTable(FIRINGS_TABLE, (t) => {
        t.bigIncrements('id').primary()
        t.integer('ruleId').notNullable()
        t.text('ruleName').notNullable()
        t.text('ruleKind').notNullable()
        t.integer('ruleVersion').notNullable()
        t.jsonb('trigger').notNullable()
        // fired | held | rate_limited | loop | error
        t.text('status').notNullable()
        t.jsonb('matched').notNullable().defaultTo('[]')
        t.jsonb('item').nullable()
        t.text('recordId').nullable()
        t.jsonb('actions').notNullable().defaultTo('[]')
        t.integer('depth').notNullable().defaultTo(0)
        t.text('message').nullable()
        t.timestamp('createdAt', { useTz: true }).notNullable().defaultTo(knex.fn.now())
        t.index(['ruleId', 'createdAt'])
        t.index(['status'])
      })
      .catch(ignoreRace)
  }
  if (!(await knex.schema.hasTable(SLOTS_TABLE))) {
    await knex.schema
      .createTable(SLOTS_TABLE, (t) => {
        t.integer('ruleId').notNullable()
        t.timestamp('slot', { useTz: true }).notNullable()
        t.timestamp('claimedAt', { useTz: true }).notNullable().defaultTo(knex.fn.now())
        t.primary(['ruleId', 'slot'])
      })
      .catch(ignoreRace)
  }
}

export interface AlertRuleFile {
  source: string
  rules: Array<{ kind?: RuleKind; enabled?: boolean; definition?: AutomationRule } | AutomationRule>
}

/** Reads the default rule files of a folder (the same reader as the permission defaults). */
export function readAlertRuleFiles(dir = DEFAULT_ALERT_RULES_DIR): AlertRuleFile[] {
  return readRuleFiles(dir) as AlertRuleFile[]
}

/** A file entry is either `{kind, enabled, definition}` or the bare rule (kind alert). */
export function entryOf(entry: AlertRuleFile['rules'][number]): {
  kind: RuleKind
  enabled: boolean
  definition: unknown
} {
  if (entry && typeof entry === 'object' && 'definition' in entry && entry.definition) {
    return { kind: entry.kind ?? 'alert', enabled: entry.enabled ?? true, definition: entry.definition }
  }
  return { kind: 'alert', enabled: true, definition: entry }
}

/**
 * Stores default rules whose names were never stored (a default an admin deleted stays deleted:
 * its name is in the history). A no-op once seeded.
 */
export const seedAutomationRules = (
  knex: Knex,
  rules: Array<{ kind: RuleKind; enabled: boolean; definition: AutomationRule }>,
): Promise<number> =>
  seedStoredRules(
    knex,
    rules.map((r) => ({
      name: r.definition.name,
      kind: r.kind,
      enabled: r.enabled,
      definition: r.definition,
    })),
  )

export const shapeRule = (row: StoredAutomationRule): StoredAutomationRule => shapeStored(row)

/** Enabled alert and automation rules. */
export const loadAutomationRules = (knex: Knex): Promise<StoredAutomationRule[]> =>
  loadStoredRules<StoredAutomationRule>(knex, RULE_KINDS)

/** A cheap fingerprint of the stored rules: other instances reload when it changes. */
export const rulesStamp = (knex: Knex): Promise<string> => stampOf(knex, RULE_KINDS)
