/** Where plugin state lives: `plume_plugins` and `plume_plugin_migrations`. */
import type { Knex } from 'knex'

export const PLUGINS_TABLE = 'plume_plugins'
export const PLUGIN_MIGRATIONS_TABLE = 'plume_plugin_migrations'

/** One row of `plume_plugins`; `version` is null until `install` has succeeded. */
export interface PluginRecord {
  name: string
  version: string | null
  enabled: boolean
  installedAt: string | null
  updatedAt: string | null
  error: string | null
}

interface Row {
  name: string
  version: string | null
  enabled: boolean
  installed_at: Date | string | null
  updated_at: Date | string | null
  error: string | null
}

const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString())

/** Creates both tables if they are missing (idempotent, safe on every start). */
export async function ensurePluginTables(knex: Knex): Promise<void> {
  await knex.raw(`create table if not exists ${PLUGINS_TABLE} (
    name text primary key,
    version text,
    enabled boolean not null default false,
    installed_at timestamptz,
    updated_at timestamptz not null default now(),
    error text
  )`)
  await knex.raw(`create table if not exists ${PLUGIN_MIGRATIONS_TABLE} (
    plugin text not null,
    name text not null,
    applied_at timestamptz not null default now(),
    primary key (plugin, name)
  )`)
}

export async function readPluginRecords(knex: Knex): Promise<Map<string, PluginRecord>> {
  const rows = (await knex(PLUGINS_TABLE).select('*')) as Row[]
  return new Map(
    rows.map((r) => [
      r.name,
      {
        name: r.name,
        version: r.version,
        enabled: r.enabled,
        installedAt: iso(r.installed_at),
        updatedAt: iso(r.updated_at),
        error: r.error,
      },
    ]),
  )
}

/** Inserts or updates a plugin's row; `installed_at` is set the first time a version is recorded. */
export async function savePluginRecord(
  knex: Knex,
  rec: { name: string; version: string | null; enabled: boolean; error: string | null },
): Promise<void> {
  await knex(PLUGINS_TABLE)
    .insert({ ...rec, installed_at: rec.version === null ? null : knex.fn.now(), updated_at: knex.fn.now() })
    .onConflict('name')
    .merge({
      version: rec.version,
      enabled: rec.enabled,
      error: rec.error,
      updated_at: knex.fn.now(),
      installed_at: knex.raw(`coalesce(${PLUGINS_TABLE}.installed_at, excluded.installed_at)`),
    })
}

export async function appliedMigrations(knex: Knex, plugin: string): Promise<Set<string>> {
  const rows = (await knex(PLUGIN_MIGRATIONS_TABLE).where({ plugin }).select('name')) as Array<{
    name: string
  }>
  return new Set(rows.map((r) => r.name))
}

export async function recordMigration(trx: Knex.Transaction, plugin: string, name: string): Promise<void> {
  await trx(PLUGIN_MIGRATIONS_TABLE).insert({ plugin, name })
}
