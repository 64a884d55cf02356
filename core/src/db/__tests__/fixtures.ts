import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, beforeEach } from 'vitest'
import type { Knex } from 'knex'
import type { EntityDefinition, FieldDefinition, IndexDefinition } from '../migrate/definitions.js'
import { connectDatabase, type Database } from '../connect.js'
import { pgliteTemplate } from '../pglite-template.js'

/** A field as the metadata loader would normalise it; `column` defaults to `text`. */
export function field(name: string, partial: Partial<FieldDefinition> = {}): FieldDefinition {
  return {
    name,
    type: 'string',
    nullable: false,
    required: false,
    column: 'text',
    unique: false,
    sensitive: false,
    readOnly: false,
    serverManaged: false,
    searchable: false,
    ui: {},
    schema: {},
    ...partial,
  }
}

const managed = (name: string, column: string): FieldDefinition =>
  field(name, {
    type: name === 'id' || name === 'version' ? 'integer' : 'string',
    column,
    required: true,
    serverManaged: true,
    readOnly: true,
  })

export interface EntityOptions {
  table?: string
  indexes?: IndexDefinition[]
  versioned?: boolean
}

/** An entity with the server-managed fields the metadata package injects (id, timestamps, version). */
export function entity(name: string, fields: FieldDefinition[], opts: EntityOptions = {}): EntityDefinition {
  const versioned = opts.versioned ?? true
  const all = [
    managed('id', 'integer'),
    ...fields,
    managed('createdAt', 'timestamptz'),
    managed('updatedAt', 'timestamptz'),
    ...(versioned ? [managed('version', 'integer')] : []),
  ]
  return {
    name,
    plural: `${name}s`,
    table: opts.table ?? `${name}s`,
    domain: 'test',
    fields: Object.fromEntries(all.map((f) => [f.name, f])),
    fieldOrder: all.map((f) => f.name),
    required: all.filter((f) => f.required).map((f) => f.name),
    indexes: opts.indexes ?? [],
    relations: {},
    ui: { label: { en: name, 'zh-CN': name } },
    versioned,
    schema: {},
    source: 'test',
  }
}

export interface TestDatabase {
  db: Database
  knex: Knex
  /** Connection URL of this test file's own database (real PostgreSQL only). */
  url?: string
  close(): Promise<void>
}

/**
 * In-memory PGlite, or — when `DATABASE_URL` is set — a fresh database on that server, so test
 * files running in parallel never see each other's tables.
 */
export async function openTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL
  if (!serverUrl) {
    const db = await connectDatabase({ dataDir: 'memory', template: await pgliteTemplate() })
    return { db, knex: db.knex, close: () => db.close() }
  }
  const admin = await connectDatabase({ url: serverUrl, pool: { min: 0, max: 1 } })
  const name = `plume_migrate_test_${randomBytes(5).toString('hex')}`
  await admin.knex.raw('create database ??', [name])
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  const db = await connectDatabase({ url: url.toString() })
  return {
    db,
    knex: db.knex,
    url: url.toString(),
    close: async () => {
      await db.close()
      await admin.knex.raw('drop database if exists ?? with (force)', [name])
      await admin.close()
    },
  }
}

/** Drops every table in the current schema (between tests sharing one database). */
export async function resetDatabase(knex: Knex): Promise<void> {
  const res: unknown = await knex.raw('select tablename from pg_tables where schemaname = current_schema()')
  const rows = rowsOf(res)
  for (const r of rows) await knex.raw('drop table if exists ?? cascade', [String(r.tablename)])
}

export function rowsOf(result: unknown): Array<Record<string, unknown>> {
  if (result && typeof result === 'object' && 'rows' in result && Array.isArray(result.rows)) {
    return result.rows as Array<Record<string, unknown>>
  }
  return []
}

/** Column name → `format_type()` of a table. */
export async function columnTypes(knex: Knex, table: string): Promise<Record<string, string>> {
  const rows = rowsOf(
    await knex.raw(
      `select a.attname as name, format_type(a.atttypid, a.atttypmod) as type from pg_attribute a
       where a.attrelid = ?::regclass and a.attnum > 0 and not a.attisdropped`,
      [table],
    ),
  )
  return Object.fromEntries(rows.map((r) => [String(r.name), String(r.type)]))
}

export async function indexNames(knex: Knex, table: string): Promise<string[]> {
  const rows = rowsOf(
    await knex.raw('select indexname from pg_indexes where tablename = ? and schemaname = current_schema()', [
      table,
    ]),
  )
  return rows.map((r) => String(r.indexname)).sort()
}

export async function count(knex: Knex, table: string): Promise<number> {
  const rows = rowsOf(await knex.raw('select count(*)::int as n from ??', [table]))
  return Number(rows[0]?.n ?? 0)
}

export const dbKind = (): string => (process.env.DATABASE_URL ? 'postgres' : 'pglite')

/**
 * Registers the per-file database lifecycle (open once, reset before each test, close) and
 * returns a getter for its knex.
 * @example const db = useTestDatabase(); it('…', async () => { await migrate(db(), […]) })
 */
export function useTestDatabase(): (() => Knex) & { url(): string | undefined } {
  let t: TestDatabase | undefined
  beforeAll(async () => {
    t = await openTestDatabase()
  }, 60_000)
  afterAll(async () => t?.close())
  beforeEach(async () => resetDatabase(t!.knex))
  return Object.assign(() => t!.knex, { url: () => t?.url })
}
