/**
 * Rules a plugin ships as files follow the plugin's upgrades: the last shipped copy of each rule is
 * kept (`plume_shipped_rules`); when the plugin ships a changed copy, a stored rule still equal to
 * the last shipped one (nobody edited it) is upgraded to the new one (a new version, history
 * `upgrade`), while an admin's edit is kept and reported as a conflict (logged, listed by
 * `shippedRuleConflicts`). A rule an admin deleted stays deleted.
 */
import type { Knex } from 'knex'
import type { Logger } from 'pino'
import { ignoreRace, RULES_TABLE, writeRuleHistory } from './store.js'

export const SHIPPED_TABLE = 'plume_shipped_rules'

/** JSON with sorted keys: a jsonb column may store keys in another order. */
export const canonical = (v: unknown): string =>
  Array.isArray(v)
    ? `[${v.map(canonical).join(',')}]`
    : v !== null && typeof v === 'object'
      ? `{${Object.keys(v as object)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
          .join(',')}}`
      : JSON.stringify(v)

const parsed = (v: unknown): unknown => (typeof v === 'string' ? (JSON.parse(v) as unknown) : v)

async function ensureShippedTable(knex: Knex): Promise<void> {
  if (await knex.schema.hasTable(SHIPPED_TABLE)) return
  await knex.schema
    .createTable(SHIPPED_TABLE, (t) => {
      t.text('name').primary()
      t.text('source').notNullable()
      t.text('definition').notNullable()
      t.boolean('conflict').notNullable().defaultTo(false)
    })
    .catch(ignoreRace)
}

export interface ShippedOutcome {
  upgraded: string[]
  conflicts: string[]
}

/**
 * Brings the stored copies of a source's shipped rules up to date (after they were seeded).
 * @example await followShippedRules(knex, logger, 'plugin:loyalty', [{ name, definition }])
 */
export async function followShippedRules(
  knex: Knex,
  logger: Logger,
  source: string,
  rules: ReadonlyArray<{ name: string; definition: unknown }>,
): Promise<ShippedOutcome> {
  const out: ShippedOutcome = { upgraded: [], conflicts: [] }
  if (rules.length === 0) return out
  await ensureShippedTable(knex)
  for (const { name, definition } of rules) {
    const next = canonical(definition)
    await knex.transaction(async (trx) => {
      const last = (await trx(SHIPPED_TABLE).where({ name }).first('definition', 'conflict')) as
        { definition: string; conflict: boolean } | undefined
      const record = (conflict: boolean) =>
        trx(SHIPPED_TABLE)
          .insert({ name, source, definition: next, conflict })
          .onConflict('name')
          .merge(['source', 'definition', 'conflict'])
      if (last?.definition === next && !last.conflict) return
      const row = (await trx(RULES_TABLE).where({ name }).forUpdate().first()) as
        { id: number; definition: unknown; version: number; enabled: boolean } | undefined
      const stored = row ? canonical(parsed(row.definition)) : undefined
      // first time followed (or a database from before this table): today's copy is the baseline
      if (!last || !row || stored === next) return void (await record(false))
      // still as it was when reported: the admin's version stays
      if (last.definition === next) return
      if (stored !== last.definition) {
        logger.warn(
          { rule: name, source },
          `shipped rule "${name}" changed in ${source}, but an admin edited the stored rule: kept the admin's version`,
        )
        // the new shipped copy is the baseline from now on; the conflict stays listed until it is resolved
        return void (await record(true))
      }
      const version = row.version + 1
      await trx(RULES_TABLE)
        .where({ id: row.id })
        .update({ definition: JSON.stringify(definition), version, updatedAt: trx.fn.now(), updatedBy: null })
      await writeRuleHistory(
        trx,
        { id: row.id, name, version, definition, enabled: row.enabled, updatedBy: null },
        'upgrade',
      )
      await record(false)
      out.upgraded.push(name)
    })
  }
  // the conflicts reported earlier stay listed until the stored rule equals the shipped one
  const names = new Set(rules.map((r) => r.name))
  out.conflicts = (await shippedRuleConflicts(knex, source)).filter((n) => names.has(n))
  if (out.upgraded.length) logger.info(`${source}: shipped rule(s) upgraded: ${out.upgraded.join(', ')}`)
  return out
}

/** The shipped rules of a source whose new copy was not applied because an admin had edited them. */
export async function shippedRuleConflicts(knex: Knex, source: string): Promise<string[]> {
  if (!(await knex.schema.hasTable(SHIPPED_TABLE))) return []
  return (await knex(SHIPPED_TABLE)
    .where({ source, conflict: true })
    .orderBy('name')
    .pluck('name')) as string[]
}
