import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BadRequest, NotFound } from '@feathersjs/errors'
import type { NullableId, Params } from '@feathersjs/feathers'
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
export const ignoreRace = (err: unknown) => {
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

/*
 * Pieces shared by every service over the rule store (`api/rules`, `api/alert-rules`): the id,
 * error and query conventions, the acting user, and the history row every change writes.
 */

const RULE_ID = /^\d{1,10}$/

/** 400 listing `{path, message}` per problem of a rule body. */
export function invalidRule(errors: FieldError[]): BadRequest {
  const first = errors[0]!
  return new BadRequest(`Invalid rule: ${first.path} ${first.message}`, { errors })
}

/** A rule id from a route: a positive integer, else 400. */
export function parseRuleId(id: NullableId): number {
  if (id === null || !RULE_ID.test(String(id)) || Number(id) < 1) throw new BadRequest('Invalid id: must be a positive integer', { errors: [{ path: '/id', message: 'must be a positive integer' }] })
  return Number(id)
}

/** The id of the user making a change (null for internal calls). */
export function ruleActor(params: Params): number | null {
  const id = (params as { user?: { id?: unknown } }).user?.id
  return typeof id === 'number' ? id : null
}

interface RuleRow {
  id: number
  name: string
  version: number
  definition: unknown
  enabled: boolean
  updatedBy: number | null
}

/** Appends the state of a rule after a change to `plume_rule_versions`. */
export async function writeRuleHistory(trx: Knex.Transaction, r: RuleRow, change: string): Promise<void> {
  await trx(VERSIONS_TABLE).insert({
    ruleId: r.id,
    name: r.name,
    version: r.version,
    change,
    definition: typeof r.definition === 'string' ? r.definition : JSON.stringify(r.definition),
    enabled: r.enabled,
    updatedBy: r.updatedBy,
  })
}

/** Rules filtered by the whitelisted query keys (name, kind, enabled), optionally of some kinds only. */
export function queryRules(knex: Knex, query: Record<string, unknown>, kinds?: readonly string[]): Knex.QueryBuilder {
  const qb = knex(RULES_TABLE).orderBy('id')
  if (kinds) qb.whereIn('kind', [...kinds])
  for (const [k, v] of Object.entries(query)) {
    if (k === 'name' || k === 'kind') qb.where(k, String(v))
    else if (k === 'enabled') qb.where('enabled', v === true || v === 'true')
    else throw new BadRequest(`Invalid query: ${k} is not supported`, { errors: [{ path: `/${k}`, message: 'is not supported (name, kind, enabled)' }] })
  }
  return qb
}

/** One stored rule by id (optionally of some kinds only), else 404. */
export async function getRule<T>(knex: Knex, id: NullableId, what: string, kinds?: readonly string[]): Promise<T> {
  const key = parseRuleId(id)
  const qb = knex(RULES_TABLE).where({ id: key })
  if (kinds) qb.whereIn('kind', [...kinds])
  const row = (await qb.first()) as T | undefined
  if (!row) throw new NotFound(`No ${what} with id ${key}`)
  return row
}
