import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Knex } from 'knex'
import { ignoreRace, readRuleFiles, RULES_TABLE, VERSIONS_TABLE } from '../permissions/store.js'
import type { AutomationRule, RuleKind, StoredAutomationRule } from './types.js'

/** `metadata/rules/alerts`: default alert/automation rules, one JSON file each (a rule or an array). */
export const DEFAULT_ALERT_RULES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../metadata/rules/alerts')

export const FIRINGS_TABLE = 'plume_alert_firings'
export const SLOTS_TABLE = 'plume_alert_schedule_slots'
export { RULES_TABLE, VERSIONS_TABLE }


/** Creates the firing log and the schedule slot table when missing (the rule tables belong to permissions). */
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
export function entryOf(entry: AlertRuleFile['rules'][number]): { kind: RuleKind; enabled: boolean; definition: unknown } {
  if (entry && typeof entry === 'object' && 'definition' in entry && entry.definition) {
    return { kind: entry.kind ?? 'alert', enabled: entry.enabled ?? true, definition: entry.definition }
  }
  return { kind: 'alert', enabled: true, definition: entry }
}

/**
 * Stores default rules whose names were never stored (a default an admin deleted stays deleted:
 * its name is in the history). A no-op once seeded.
 */
export async function seedAutomationRules(knex: Knex, rules: Array<{ kind: RuleKind; enabled: boolean; definition: AutomationRule }>): Promise<number> {
  if (rules.length === 0) return 0
  const known = new Set<string>([
    ...((await knex(RULES_TABLE).pluck('name')) as string[]),
    ...((await knex(VERSIONS_TABLE).distinct('name').pluck('name')) as string[]),
  ])
  let added = 0
  for (const r of rules) {
    if (known.has(r.definition.name)) continue
    await knex.transaction(async (trx) => {
      const rows = (await trx(RULES_TABLE)
        .insert({ name: r.definition.name, kind: r.kind, definition: JSON.stringify(r.definition), version: 1, enabled: r.enabled, updatedBy: null })
        .onConflict('name')
        .ignore()
        .returning('*')) as StoredAutomationRule[]
      const row = rows[0]
      if (!row) return
      await trx(VERSIONS_TABLE).insert({ ruleId: row.id, name: row.name, version: 1, change: 'seed', definition: JSON.stringify(r.definition), enabled: r.enabled, updatedBy: null })
      added++
    })
  }
  return added
}

export const shapeRule = (row: StoredAutomationRule): StoredAutomationRule => ({
  ...row,
  definition: typeof row.definition === 'string' ? (JSON.parse(row.definition) as AutomationRule) : row.definition,
})

/** Enabled alert and automation rules. */
export async function loadAutomationRules(knex: Knex): Promise<StoredAutomationRule[]> {
  const rows = (await knex(RULES_TABLE).whereIn('kind', ['alert', 'automation']).where('enabled', true).orderBy('id')) as StoredAutomationRule[]
  return rows.map(shapeRule)
}

/** A cheap fingerprint of the stored rules: other instances reload when it changes. */
export async function rulesStamp(knex: Knex): Promise<string> {
  const row = (await knex(RULES_TABLE).whereIn('kind', ['alert', 'automation']).select(knex.raw('count(*)::int as n, max("updatedAt") as at, sum(version)::int as v')).first()) as { n: number; at: unknown; v: number } | undefined
  return `${row?.n}|${String(row?.at)}|${row?.v}`
}
