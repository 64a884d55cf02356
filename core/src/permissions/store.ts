import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Knex } from 'knex'
import type { FieldError } from '../validation/ajv.js'
import type { PermissionRule, StoredRule } from './types.js'

/** `metadata/rules/permissions`: the default rules, one JSON file per role (an array of rules). */
export const DEFAULT_RULES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../metadata/rules/permissions')

export const RULES_TABLE = 'plume_rules'
export const VERSIONS_TABLE = 'plume_rule_versions'

/** Creates `plume_rules` and `plume_rule_versions` when missing. */
export async function ensureRuleTables(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable(RULES_TABLE))) {
    await knex.schema.createTable(RULES_TABLE, (t) => {
      t.increments('id').primary()
      t.text('name').notNullable().unique()
      t.text('kind').notNullable().defaultTo('permission')
      t.jsonb('definition').notNullable()
      t.integer('version').notNullable().defaultTo(1)
      t.boolean('enabled').notNullable().defaultTo(true)
      t.timestamp('updatedAt', { useTz: true }).notNullable().defaultTo(knex.fn.now())
      t.integer('updatedBy').nullable()
    }).catch(ignoreRace)
  }
  if (!(await knex.schema.hasTable(VERSIONS_TABLE))) {
    await knex.schema.createTable(VERSIONS_TABLE, (t) => {
      t.increments('id').primary()
      t.integer('ruleId').notNullable()
      t.text('name').notNullable()
      t.integer('version').notNullable()
      t.text('change').notNullable()
      t.jsonb('definition').notNullable()
      t.boolean('enabled').notNullable()
      t.timestamp('updatedAt', { useTz: true }).notNullable().defaultTo(knex.fn.now())
      t.integer('updatedBy').nullable()
      t.index(['ruleId', 'version'])
    }).catch(ignoreRace)
  }
}

// two instances starting on one empty database: the loser finds the table there
const ignoreRace = (err: unknown) => {
  if (!/already exists/.test(String((err as Error).message))) throw err
}

export interface RuleFile {
  source: string
  rules: unknown[]
}

/** Reads the default rule files (each an array of rules, or one rule). */
export function readRuleFiles(dir = DEFAULT_RULES_DIR): RuleFile[] {
  let names: string[]
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json')).sort()
  } catch {
    return []
  }
  return names.map((n) => {
    const source = join(dir, n)
    const raw: unknown = JSON.parse(readFileSync(source, 'utf8'))
    return { source, rules: Array.isArray(raw) ? raw : [raw] }
  })
}

export class RuleFileError extends Error {
  constructor(readonly problems: Array<FieldError & { source: string }>) {
    super(`${problems.length} permission rule error(s):\n${problems.map((p) => `${p.source} ${p.path}: ${p.message}`).join('\n')}`)
    this.name = 'RuleFileError'
  }
}

/**
 * Inserts the default rules whose names were never stored (a rule an admin deleted stays
 * deleted: its name is in the history). Runs on every start; a no-op once seeded.
 */
export async function seedRules(knex: Knex, rules: PermissionRule[]): Promise<number> {
  const known = new Set<string>([
    ...((await knex(RULES_TABLE).pluck('name')) as string[]),
    ...((await knex(VERSIONS_TABLE).distinct('name').pluck('name')) as string[]),
  ])
  let added = 0
  for (const rule of rules) {
    if (known.has(rule.name)) continue
    await knex.transaction(async (trx) => {
      const rows = (await trx(RULES_TABLE)
        .insert({ name: rule.name, kind: 'permission', definition: JSON.stringify(rule), version: 1, enabled: true, updatedBy: null })
        .onConflict('name')
        .ignore()
        .returning('*')) as StoredRule[]
      const row = rows[0]
      if (row) {
        await trx(VERSIONS_TABLE).insert({ ruleId: row.id, name: row.name, version: 1, change: 'seed', definition: JSON.stringify(rule), enabled: true, updatedBy: null })
        added++
      }
    })
  }
  return added
}

/** Enabled permission rules, for the engine. */
export async function loadEnabledRules(knex: Knex): Promise<PermissionRule[]> {
  const rows = (await knex(RULES_TABLE).where({ kind: 'permission', enabled: true }).orderBy('id').select('definition')) as Array<{ definition: PermissionRule | string }>
  return rows.map((r) => (typeof r.definition === 'string' ? (JSON.parse(r.definition) as PermissionRule) : r.definition))
}
