/**
 * The one rule store: every kind of rule (permission, alert, automation — holds are automation
 * rules) is a row of `plume_rules` (`kind`, `definition`, `version`, `enabled`), and every change
 * appends its new state to `plume_rule_versions`. Default rules are JSON files, seeded once.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { BadRequest, NotFound } from '@feathersjs/errors'
import type { NullableId, Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { FieldError } from '../validation/ajv.js'

export const RULES_TABLE = 'plume_rules'
export const VERSIONS_TABLE = 'plume_rule_versions'

/** Creates `plume_rules` and `plume_rule_versions` when missing. */
export async function ensureRuleTables(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable(RULES_TABLE))) {
    await knex.schema
      .createTable(RULES_TABLE, (t) => {
        t.increments('id').primary()
        t.text('name').notNullable().unique()
        t.text('kind').notNullable().defaultTo('permission')
        t.jsonb('definition').notNullable()
        t.integer('version').notNullable().defaultTo(1)
        t.boolean('enabled').notNullable().defaultTo(true)
        t.timestamp('updatedAt', { useTz: true }).notNullable().defaultTo(knex.fn.now())
        t.integer('updatedBy').nullable()
      })
      .catch(ignoreRace)
  }
  if (!(await knex.schema.hasTable(VERSIONS_TABLE))) {
    await knex.schema
      .createTable(VERSIONS_TABLE, (t) => {
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
      })
      .catch(ignoreRace)
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

/** Reads the default rule files of a folder (each file an array of rules, or one rule). */
export function readRuleFiles(dir: string): RuleFile[] {
  let names: string[]
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith('.json'))
      .sort()
  } catch {
    return []
  }
  return names.map((n) => {
    const source = join(dir, n)
    const raw: unknown = JSON.parse(readFileSync(source, 'utf8'))
    return { source, rules: Array.isArray(raw) ? raw : [raw] }
  })
}

/** A rule of any kind as stored (`definition` parsed). */
export interface StoredRuleRow<D = unknown, K extends string = string> {
  id: number
  name: string
  kind: K
  definition: D
  version: number
  enabled: boolean
  updatedAt: string | Date
  updatedBy: number | null
}

/** Parses `definition` when the driver returned the JSON text. */
export const shapeStored = <R extends { definition: unknown }>(row: R): R => ({
  ...row,
  definition: typeof row.definition === 'string' ? JSON.parse(row.definition) : row.definition,
})

/**
 * Stores default rules whose names were never stored (a default an admin deleted stays deleted:
 * its name is in the history). Runs on every start; a no-op once seeded.
 */
export async function seedStoredRules(
  knex: Knex,
  rules: Array<{ name: string; kind: string; enabled: boolean; definition: unknown }>,
): Promise<number> {
  if (rules.length === 0) return 0
  const known = new Set<string>([
    ...((await knex(RULES_TABLE).pluck('name')) as string[]),
    ...((await knex(VERSIONS_TABLE).distinct('name').pluck('name')) as string[]),
  ])
  let added = 0
  for (const r of rules) {
    if (known.has(r.name)) continue
    await knex.transaction(async (trx) => {
      const rows = (await trx(RULES_TABLE)
        .insert({
          name: r.name,
          kind: r.kind,
          definition: JSON.stringify(r.definition),
          version: 1,
          enabled: r.enabled,
          updatedBy: null,
        })
        .onConflict('name')
        .ignore()
        .returning('*')) as StoredRuleRow[]
      const row = rows[0]
      if (!row) return
      await writeRuleHistory(trx, { ...row, definition: r.definition }, 'seed')
      added++
    })
  }
  return added
}

/** Enabled rules of some kinds, oldest first. */
export async function loadStoredRules<R extends StoredRuleRow>(
  knex: Knex,
  kinds: readonly string[],
): Promise<R[]> {
  const rows = (await knex(RULES_TABLE)
    .whereIn('kind', [...kinds])
    .where('enabled', true)
    .orderBy('id')) as R[]
  return rows.map(shapeStored)
}

/** A cheap fingerprint of the stored rules of some kinds: other instances reload when it changes. */
export async function rulesStamp(knex: Knex, kinds: readonly string[]): Promise<string> {
  const row = (await knex(RULES_TABLE)
    .whereIn('kind', [...kinds])
    .select(knex.raw('count(*)::int as n, max("updatedAt") as at, sum(version)::int as v'))
    .first()) as { n: number; at: unknown; v: number } | undefined
  return `${row?.n}|${String(row?.at)}|${row?.v}`
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
  if (id === null || !RULE_ID.test(String(id)) || Number(id) < 1)
    throw new BadRequest('Invalid id: must be a positive integer', {
      errors: [{ path: '/id', message: 'must be a positive integer' }],
    })
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
export function queryRules(
  knex: Knex,
  query: Record<string, unknown>,
  kinds?: readonly string[],
): Knex.QueryBuilder {
  const qb = knex(RULES_TABLE).orderBy('id')
  if (kinds) qb.whereIn('kind', [...kinds])
  for (const [k, v] of Object.entries(query)) {
    if (k === 'name' || k === 'kind') qb.where(k, String(v))
    else if (k === 'enabled') qb.where('enabled', v === true || v === 'true')
    else
      throw new BadRequest(`Invalid query: ${k} is not supported`, {
        errors: [{ path: `/${k}`, message: 'is not supported (name, kind, enabled)' }],
      })
  }
  return qb
}

/** One stored rule by id (optionally of some kinds only), else 404. */
export async function getRule<T>(
  knex: Knex,
  id: NullableId,
  what: string,
  kinds?: readonly string[],
): Promise<T> {
  const key = parseRuleId(id)
  const qb = knex(RULES_TABLE).where({ id: key })
  if (kinds) qb.whereIn('kind', [...kinds])
  const row = (await qb.first()) as T | undefined
  if (!row) throw new NotFound(`No ${what} with id ${key}`)
  return row
}
