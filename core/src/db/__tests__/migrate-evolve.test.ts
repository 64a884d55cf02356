import { describe, it, expect } from 'vitest'
import { migrate, schemaStatus, VERSIONS_TABLE } from '../migrate/index.js'
import { columnTypes, count, dbKind, entity, field, indexNames, rowsOf, useTestDatabase } from './fixtures.js'

const db = useTestDatabase()

const customerFields = [
  field('name', { column: 'varchar(100)', required: true }),
  field('segment', { column: 'varchar(20)', default: 'retail', enum: ['retail', 'wholesale'] }),
  field('creditLimit', { type: 'number', column: 'numeric(10,2)', default: 0, minimum: 0 }),
  field('visits', { type: 'integer', column: 'integer', default: 0 }),
  field('memo', { column: 'text', default: 'why? \\o/' }),
  field('settings', { type: 'object', column: 'jsonb', default: { theme: 'light' } }),
]
const customer = entity('customer', customerFields)

async function seed(n: number): Promise<void> {
  for (let i = 1; i <= n; i++) await db()('customers').insert({ name: `Customer ${i}` })
}

const versionRows = async (): Promise<number> => count(db(), VERSIONS_TABLE)

describe(`migrate: evolving existing tables (${dbKind()})`, { timeout: 30_000 }, () => {
  it('adds a column and an index to a table with data and keeps the data', async () => {
    await migrate(db(), [customer])
    await seed(3)
    const next = entity(
      'customer',
      [
        ...customerFields,
        field('country', { column: 'varchar(2)', required: true, default: 'CN' }),
        field('fax', { column: 'varchar(40)', nullable: true }),
      ],
      { indexes: [{ fields: ['country', 'name'] }] },
    )
    const result = await migrate(db(), [next])
    expect(result.applied).toHaveLength(1)
    expect(result.applied[0]?.statements.join('\n')).toMatch(
      /add column "country" varchar\(2\) not null default 'CN'/,
    )
    expect(result.warnings).toEqual([])
    const rows = await db()('customers').orderBy('id')
    expect(rows.map((r) => [r.name, r.country, r.fax])).toEqual([
      ['Customer 1', 'CN', null],
      ['Customer 2', 'CN', null],
      ['Customer 3', 'CN', null],
    ])
    expect(await indexNames(db(), 'customers')).toContain('customers_country_name_idx')
    expect(await versionRows()).toBe(2)
  })

  it('is idempotent: a second run applies nothing and records no version', async () => {
    const order = entity(
      'order',
      [
        field('customerId', {
          type: 'integer',
          column: 'integer',
          required: true,
          ref: { entity: 'customer', onDelete: 'cascade' },
        }),
        field('code', { column: 'varchar(30)', unique: true, minLength: 2 }),
      ],
      { indexes: [{ fields: ['code', 'customerId'], unique: true }] },
    )
    const first = await migrate(db(), [customer, order])
    expect(first.applied.map((a) => a.entity).sort()).toEqual(['customer', 'order'])
    expect(await versionRows()).toBe(2)
    expect(await schemaStatus(db(), [customer, order])).toEqual({ upToDate: true, pending: [] })

    const second = await migrate(db(), [customer, order])
    expect(second).toEqual({ applied: [], unchanged: ['customer', 'order'], warnings: [], orphaned: [] })
    expect(await versionRows()).toBe(2)
  })

  it('widens types automatically and keeps values', async () => {
    await migrate(db(), [customer])
    await seed(1)
    await db()('customers').update({ creditLimit: '12345678.91', visits: 7 })
    const widened = entity('customer', [
      field('name', { column: 'text', required: true }),
      field('segment', { column: 'varchar(40)', default: 'retail', enum: ['retail', 'wholesale'] }),
      field('creditLimit', { type: 'number', column: 'numeric(14,4)', default: 0, minimum: 0 }),
      field('visits', { type: 'integer', column: 'bigint', default: 0 }),
      ...customerFields.slice(4),
    ])
    const result = await migrate(db(), [widened])
    expect(result.applied).toHaveLength(1)
    expect(await columnTypes(db(), 'customers')).toMatchObject({
      name: 'text',
      segment: 'character varying(40)',
      creditLimit: 'numeric(14,4)',
      visits: 'bigint',
    })
    const row = await db()('customers').first()
    expect(row).toMatchObject({ name: 'Customer 1', segment: 'retail', creditLimit: '12345678.9100' })
    expect(String(row.visits)).toBe('7')
    await expect(db()('customers').insert({ name: 'x', segment: 'vip' })).rejects.toThrow(/check_enum/)
    expect((await migrate(db(), [widened])).applied).toEqual([])
  })

  it('drops NOT NULL and changes defaults automatically', async () => {
    await migrate(db(), [customer])
    await seed(1)
    const relaxed = entity('customer', [
      field('name', { column: 'varchar(100)', nullable: true }),
      field('segment', { column: 'varchar(20)', default: 'wholesale', enum: ['retail', 'wholesale'] }),
      ...customerFields.slice(2, 5),
      field('settings', { type: 'object', column: 'jsonb' }),
    ])
    const result = await migrate(db(), [relaxed])
    expect(result.applied[0]?.statements).toEqual([
      'alter table "customers" alter column "name" drop not null',
      `alter table "customers" alter column "segment" set default 'wholesale'`,
      'alter table "customers" alter column "settings" drop default',
    ])
    const [row] = await db()('customers').insert({ name: null }).returning('*')
    expect(row).toMatchObject({ name: null, segment: 'wholesale', settings: null })
    expect((await migrate(db(), [relaxed])).applied).toEqual([])
  })

  it('adds a required column without default as nullable, with a warning, when rows exist', async () => {
    await migrate(db(), [customer])
    await seed(2)
    const next = entity('customer', [
      ...customerFields,
      field('taxNumber', { column: 'varchar(30)', required: true }),
    ])
    const result = await migrate(db(), [next])
    expect(result.warnings).toEqual([
      expect.stringMatching(/^customers\.taxNumber: added as nullable because the table has rows/),
    ])
    expect(
      rowsOf(
        await db().raw(
          "select is_nullable from information_schema.columns where table_name = 'customers' and column_name = 'taxNumber'",
        ),
      )[0]?.is_nullable,
    ).toBe('YES')

    // Still NULLs and no default: nothing to do, the warning repeats, nothing is refused.
    const again = await migrate(db(), [next])
    expect(again.applied).toEqual([])
    expect(again.warnings).toEqual([
      expect.stringMatching(/^customers\.taxNumber: left nullable because 2 rows hold NULL/),
    ])

    // Once filled in, the next run makes it NOT NULL.
    await db()('customers').update({ taxNumber: 'T-1' })
    const filled = await migrate(db(), [next])
    expect(filled.applied[0]?.statements).toEqual([
      'alter table "customers" alter column "taxNumber" set not null',
    ])
    await expect(db()('customers').insert({ name: 'x' })).rejects.toThrow(/taxNumber/)
  })

  it('adds a required column as NOT NULL on an empty table', async () => {
    await migrate(db(), [customer])
    const next = entity('customer', [
      ...customerFields,
      field('taxNumber', { column: 'varchar(30)', required: true }),
    ])
    const result = await migrate(db(), [next])
    expect(result.warnings).toEqual([])
    expect(result.applied[0]?.statements).toEqual([
      'alter table "customers" add column "taxNumber" varchar(30) not null',
    ])
  })

  it('replaces a changed check when existing rows satisfy it, and drops checks no longer defined', async () => {
    await migrate(db(), [customer])
    await seed(1)
    const next = entity('customer', [
      customerFields[0]!,
      field('segment', {
        column: 'varchar(20)',
        default: 'retail',
        enum: ['retail', 'wholesale', 'partner'],
      }),
      field('creditLimit', { type: 'number', column: 'numeric(10,2)', default: 0 }),
      ...customerFields.slice(3),
    ])
    const result = await migrate(db(), [next])
    expect(result.applied[0]?.statements).toEqual([
      'alter table "customers" drop constraint "customers_segment_check_enum"',
      'alter table "customers" drop constraint "customers_creditLimit_check_min"',
      `alter table "customers" add constraint "customers_segment_check_enum" check ("segment" in ('retail', 'wholesale', 'partner'))`,
      expect.stringMatching(
        /^comment on constraint "customers_segment_check_enum" on "customers" is 'plume:[0-9a-f]{12}'$/,
      ),
    ])
    await db()('customers').insert({ name: 'p', segment: 'partner', creditLimit: '-5' })
    expect(await count(db(), 'customers')).toBe(2)
  })

  it('adds a foreign key to an existing table whose rows all have parents', async () => {
    const region = entity('region', [field('name')])
    const plain = entity('customer', [
      ...customerFields,
      field('regionId', { type: 'integer', column: 'integer', nullable: true }),
    ])
    await migrate(db(), [region, plain])
    const [r] = await db()('regions').insert({ name: 'East' }).returning('id')
    await db()('customers').insert({ name: 'a', regionId: r.id })
    const linked = entity('customer', [
      ...customerFields,
      field('regionId', { type: 'integer', column: 'integer', nullable: true, ref: { entity: 'region' } }),
    ])
    const result = await migrate(db(), [region, linked])
    expect(result.applied.map((a) => a.entity)).toEqual(['customer'])
    await expect(db()('customers').insert({ name: 'b', regionId: 999 })).rejects.toThrow(
      /customers_regionId_fkey/,
    )
    expect(await indexNames(db(), 'customers')).toContain('customers_regionId_fk_idx')
  })

  it('reports a table whose entity disappeared as orphaned and leaves it in place', async () => {
    const note = entity('note', [field('body')])
    await migrate(db(), [customer, note])
    await db()('notes').insert({ body: 'keep me' })
    const result = await migrate(db(), [customer])
    expect(result.orphaned).toEqual(['notes'])
    expect(result.applied).toEqual([])
    expect(await count(db(), 'notes')).toBe(1)
  })

  it('adopts an existing table it did not create without dropping its extra columns', async () => {
    await db().raw(
      'create table "customers" ("id" integer generated by default as identity primary key, "name" varchar(100) not null, "legacyCode" text)',
    )
    await db()('customers').insert({ name: 'old', legacyCode: 'L1' })
    const result = await migrate(db(), [customer])
    expect(result.warnings).toEqual([
      expect.stringMatching(/^customers\.legacyCode: column is not in the definition; left alone/),
    ])
    expect(await db()('customers').first()).toMatchObject({
      name: 'old',
      legacyCode: 'L1',
      segment: 'retail',
      version: 1,
    })
  })

  it('schemaStatus lists entities with pending changes', async () => {
    const note = entity('note', [field('body')])
    expect(await schemaStatus(db(), [customer, note])).toEqual({
      upToDate: false,
      pending: ['customer', 'note'],
    })
    await migrate(db(), [customer, note])
    const next = entity('note', [
      field('body'),
      field('pinned', { type: 'boolean', column: 'boolean', default: false }),
    ])
    expect(await schemaStatus(db(), [customer, next])).toEqual({ upToDate: false, pending: ['note'] })
    await migrate(db(), [customer, next])
    expect(await schemaStatus(db(), [customer, next])).toEqual({ upToDate: true, pending: [] })
  })
})
