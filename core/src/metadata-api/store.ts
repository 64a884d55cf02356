/**
 * The run-time metadata tables: definitions made or customized through the API, and one row per
 * applied change (its plan and the reverse plan). Created on start-up like the other core tables.
 */
import type { Knex } from 'knex'
import { rowsOf } from '../db/migrate/sql.js'

export const DEFINITIONS_TABLE = 'plume_entity_definitions'
export const VERSIONS_TABLE = 'plume_entity_versions'

/** `custom`: a whole entity made through the API; `customization`: additions to a file-made one. */
export type StoredKind = 'custom' | 'customization'

/** What the API adds to a file-made entity (Frappe's Custom Field + Property Setter). */
export interface Customization {
  properties: Record<string, Record<string, unknown>>
  required: string[]
  'x-indexes': Array<Record<string, unknown>>
  'x-relations': Record<string, Record<string, unknown>>
  /** The entity's `x-ui`, replacing the file's. */
  ui?: Record<string, unknown>
  /** `x-ui` of file-defined fields, replacing the file's. */
  fieldUi: Record<string, Record<string, unknown>>
}

export interface StoredDefinition {
  name: string
  kind: StoredKind
  /** The entity file (custom) or the customization. */
  definition: Record<string, unknown>
}

/** One applied change of one entity. */
export interface VersionRow {
  id: number
  entity: string
  version: number
  kind: string
  before: StoredDefinition | null
  after: StoredDefinition | null
  renames: Record<string, string>
  statements: string[]
  reverse: ReversePlan
  actor: string | null
  appliedAt: string
}

/** How to undo one change, computed right after it ran, in its transaction. */
export interface ReversePlan {
  statements: string[]
  renames: Record<string, string>
  /** True when undoing it gives back every value the change touched. */
  lossless: boolean
  /** Why it is not lossless (a dropped column's values are gone, …). */
  notes: string[]
}

/** Creates the two tables when missing. */
export async function ensureMetadataTables(knex: Knex): Promise<void> {
  await knex.raw(
    `create table if not exists ?? (
    name text primary key,
    kind text not null check (kind in ('custom', 'customization')),
    definition jsonb not null,
    updated_at timestamptz not null default now()
  )`,
    [DEFINITIONS_TABLE],
  )
  await knex.raw(
    `create table if not exists ?? (
    id serial primary key,
    entity text not null,
    version integer not null,
    kind text not null,
    before jsonb,
    after jsonb,
    renames jsonb not null default '{}',
    statements jsonb not null default '[]',
    reverse jsonb not null default '{}',
    actor text,
    applied_at timestamptz not null default now(),
    unique (entity, version)
  )`,
    [VERSIONS_TABLE],
  )
}

const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T))

/** Every stored definition, custom entities and customizations, by name. */
export async function readStored(knex: Knex): Promise<Map<string, StoredDefinition>> {
  const rows = await knex(DEFINITIONS_TABLE).select('name', 'kind', 'definition').orderBy('name')
  return new Map(
    rows.map((r: Record<string, unknown>) => [
      String(r.name),
      {
        name: String(r.name),
        kind: r.kind as StoredKind,
        definition: json<Record<string, unknown>>(r.definition),
      },
    ]),
  )
}

/** Writes (or, with `null`, deletes) one stored definition. */
export async function writeStored(knex: Knex, name: string, value: StoredDefinition | null): Promise<void> {
  await knex(DEFINITIONS_TABLE).where({ name }).delete()
  if (value)
    await knex(DEFINITIONS_TABLE).insert({
      name,
      kind: value.kind,
      definition: JSON.stringify(value.definition),
      updated_at: knex.fn.now(),
    })
}

const toVersion = (r: Record<string, unknown>): VersionRow => ({
  id: Number(r.id),
  entity: String(r.entity),
  version: Number(r.version),
  kind: String(r.kind),
  before: json<StoredDefinition | null>(r.before),
  after: json<StoredDefinition | null>(r.after),
  renames: json<Record<string, string>>(r.renames) ?? {},
  statements: json<string[]>(r.statements) ?? [],
  reverse: json<ReversePlan>(r.reverse),
  actor: r.actor === null || r.actor === undefined ? null : String(r.actor),
  appliedAt: new Date(r.applied_at as string).toISOString(),
})

/** The versions of one entity, oldest first. */
export async function readVersions(knex: Knex, entity: string): Promise<VersionRow[]> {
  const rows = await knex(VERSIONS_TABLE).where({ entity }).orderBy('version')
  return rows.map(toVersion)
}

/** The latest version number of an entity (0 when none). */
export async function latestVersion(knex: Knex, entity: string): Promise<number> {
  const row = (await knex(VERSIONS_TABLE).where({ entity }).max({ v: 'version' }).first()) as
    { v: unknown } | undefined
  return Number(row?.v ?? 0)
}

/** A number that grows with every applied change anywhere: what other instances watch. */
export async function revision(knex: Knex): Promise<number> {
  const rows = rowsOf(await knex.raw('select coalesce(max(id), 0) as r from ??', [VERSIONS_TABLE]))
  return Number(rows[0]?.r ?? 0)
}

/** Records one applied change. */
export async function recordChange(knex: Knex, v: Omit<VersionRow, 'id' | 'appliedAt'>): Promise<void> {
  await knex(VERSIONS_TABLE).insert({
    entity: v.entity,
    version: v.version,
    kind: v.kind,
    before: v.before === null ? null : JSON.stringify(v.before),
    after: v.after === null ? null : JSON.stringify(v.after),
    renames: JSON.stringify(v.renames),
    statements: JSON.stringify(v.statements),
    reverse: JSON.stringify(v.reverse),
    actor: v.actor,
  })
}
