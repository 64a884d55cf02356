import { describe, it, expect, afterEach } from 'vitest'
import { DestructiveChangeError, migrate, VERSIONS_TABLE } from '../migrate/index.js'
import { columnTypes, count, dbKind, entity, field, rowsOf, useTestDatabase } from './fixtures.js'

const db = useTestDatabase()
afterEach(() => {
  delete process.env.PLUME_MIGRATE_CONFIRM
})

const v1 = entity('customer', [
  field('name', { column: 'varchar(200)', required: true }),
  field('fax', { column: 'varchar(40)', nullable: true }),
  field('code', { column: 'text' }),
  field('rating', { column: 'bigint', type: 'integer' }),
  field('balance', { type: 'number', column: 'numeric(14,4)' }),
  field('extra', { type: 'object', column: 'jsonb' }),
])

async function seed(): Promise<void> {
  await db()('customers').insert([
    { name: 'A'.repeat(120), fax: '+86 10 1', code: '42', rating: 5, balance: '10.1234', extra: { a: 1 } },
    { name: 'Short', fax: '+86 10 2', code: '7', rating: 1, balance: '2.5000', extra: { b: 2 } },
    { name: 'Medium name', fax: '+86 10 3', code: null, rating: null, balance: null, extra: null },
  ])
}

async function snapshot(): Promise<unknown> {
  return {
    types: await columnTypes(db(), 'customers'),
    rows: await db()('customers').orderBy('id'),
    versions: await count(db(), VERSIONS_TABLE),
  }
}

async function refusal(
  entities: Parameters<typeof migrate>[1],
  opts: Parameters<typeof migrate>[2] = {},
): Promise<DestructiveChangeError> {
  const error: unknown = await migrate(db(), entities, { confirmDestructive: false, ...opts }).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(DestructiveChangeError)
  return error as DestructiveChangeError
}

describe(`migrate: destructive changes (${dbKind()})`, { timeout: 30_000 }, () => {
  it('refuses to drop a column that holds data, says what would be lost, changes nothing', async () => {
    await migrate(db(), [v1])
    await seed()
    const before = await snapshot()
    const withoutFax = entity('customer', [
      field('name', { column: 'varchar(200)', required: true }),
      field('code'),
      field('rating', { column: 'bigint', type: 'integer' }),
      field('balance', { type: 'number', column: 'numeric(14,4)' }),
      field('extra', { type: 'object', column: 'jsonb' }),
    ])
    const error = await refusal([withoutFax])
    expect(error.changes).toEqual([
      {
        entity: 'customer',
        table: 'customers',
        column: 'fax',
        kind: 'drop-column',
        detail: 'column would be dropped (3 rows hold values)',
      },
    ])
    expect(error.message).toContain('customers.fax: column would be dropped (3 rows hold values)')
    expect(error.message).toContain('PLUME_MIGRATE_CONFIRM=1')
    expect(error.message).toContain('confirmDestructive')
    expect(await snapshot()).toEqual(before)
  })

  it('refuses narrowing and incompatible type changes, naming table.column and what is lost', async () => {
    await migrate(db(), [v1])
    await seed()
    const before = await snapshot()
    const narrowed = entity('customer', [
      field('name', { column: 'varchar(50)', required: true }),
      field('fax', { column: 'varchar(40)', nullable: true }),
      field('code', { type: 'integer', column: 'integer' }),
      field('rating', { column: 'integer', type: 'integer' }),
      field('balance', { type: 'number', column: 'numeric(14,2)' }),
      field('extra', { column: 'text' }),
    ])
    const error = await refusal([narrowed])
    expect(error.changes.map((c) => [c.column, c.kind])).toEqual([
      ['name', 'narrow-type'],
      ['code', 'incompatible-type'],
      ['rating', 'narrow-type'],
      ['balance', 'narrow-type'],
      ['extra', 'incompatible-type'],
    ])
    expect(error.message).toContain(
      'customers.name: type would narrow from character varying(200) to character varying(50): 1 value is longer than 50 characters and would be truncated',
    )
    expect(error.message).toContain(
      'customers.code: type would change from text to integer (2 rows hold values to convert',
    )
    expect(error.message).toContain('customers.extra: type would change from jsonb to text')
    expect(await snapshot()).toEqual(before)
  })

  it('applies drops, narrowing and conversions when confirmed', async () => {
    await migrate(db(), [v1])
    await seed()
    const next = entity('customer', [
      field('name', { column: 'varchar(50)', required: true }),
      field('code', { type: 'integer', column: 'integer' }),
      field('rating', { column: 'integer', type: 'integer' }),
      field('balance', { type: 'number', column: 'numeric(14,2)' }),
      field('extra', { column: 'text' }),
    ])
    const result = await migrate(db(), [next], { confirmDestructive: true })
    expect(result.applied[0]?.statements).toContain('alter table "customers" drop column "fax"')
    expect(result.applied[0]?.statements).toContain(
      'alter table "customers" alter column "code" type integer using "code"::integer',
    )
    expect(await columnTypes(db(), 'customers')).toMatchObject({
      name: 'character varying(50)',
      code: 'integer',
      rating: 'integer',
      balance: 'numeric(14,2)',
      extra: 'text',
    })
    expect(await columnTypes(db(), 'customers')).not.toHaveProperty('fax')
    const rows = await db()('customers').orderBy('id')
    expect(rows.map((r) => [r.name.length, r.code, r.balance, r.extra])).toEqual([
      [50, 42, '10.12', '{"a": 1}'],
      [5, 7, '2.50', '{"b": 2}'],
      [11, null, null, null],
    ])
    expect((await migrate(db(), [next])).applied).toEqual([])
  })

  it('rolls back everything when a confirmed conversion fails on a value', async () => {
    await migrate(db(), [v1])
    await seed()
    await db()('customers').where({ name: 'Short' }).update({ code: 'not a number' })
    const before = await snapshot()
    const next = entity('customer', [
      field('name', { column: 'varchar(200)', required: true }),
      field('code', { type: 'integer', column: 'integer' }),
    ])
    await expect(migrate(db(), [next], { confirmDestructive: true })).rejects.toThrow(
      /invalid input syntax for type integer/,
    )
    expect(await snapshot()).toEqual(before)
  })

  it('refuses NOT NULL over NULLs when a default would fill them; confirmed, fills them', async () => {
    await migrate(db(), [v1])
    await seed()
    const required = entity('customer', [
      ...Object.values(v1.fields).filter((f) => !f.serverManaged && f.name !== 'code'),
      field('code', { required: true, default: 'none' }),
    ])
    const error = await refusal([required])
    expect(error.message).toContain(
      "customers.code: column would become NOT NULL: 1 row holds NULL and would be set to the default 'none'",
    )
    await migrate(db(), [required], { confirmDestructive: true })
    expect((await db()('customers').orderBy('id')).map((r) => r.code)).toEqual(['42', '7', 'none'])
  })

  it('refuses a check that existing rows violate; confirmed, adds it NOT VALID and enforces it for new rows', async () => {
    await migrate(db(), [v1])
    await seed()
    const bounded = entity('customer', [
      ...Object.values(v1.fields).filter((f) => !f.serverManaged && f.name !== 'rating'),
      field('rating', { column: 'bigint', type: 'integer', minimum: 2 }),
    ])
    const error = await refusal([bounded])
    expect(error.changes).toEqual([expect.objectContaining({ column: 'rating', kind: 'check-violation' })])
    expect(error.message).toContain(
      'customers.rating: check customers_rating_check_min would reject 1 existing row',
    )
    const result = await migrate(db(), [bounded], { confirmDestructive: true })
    expect(result.warnings).toEqual([expect.stringContaining('added as NOT VALID')])
    expect(await count(db(), 'customers')).toBe(3)
    await expect(db()('customers').insert({ name: 'x', rating: 1 })).rejects.toThrow(
      /customers_rating_check_min/,
    )
    expect((await migrate(db(), [bounded])).applied).toEqual([])
  })

  it('refuses a unique constraint over duplicates; confirmed, skips it with a warning', async () => {
    await migrate(db(), [v1])
    await seed()
    await db()('customers').update({ fax: 'same' })
    const unique = entity('customer', [
      ...Object.values(v1.fields).filter((f) => !f.serverManaged && f.name !== 'fax'),
      field('fax', { column: 'varchar(40)', nullable: true, unique: true }),
    ])
    const error = await refusal([unique])
    expect(error.message).toContain(
      'customers.fax: unique customers_fax_key cannot be added: 1 value appears more than once',
    )
    const result = await migrate(db(), [unique], { confirmDestructive: true })
    expect(result.warnings).toEqual([expect.stringContaining('unique customers_fax_key skipped')])
    expect(await count(db(), 'customers')).toBe(3)
  })

  it('takes confirmation from PLUME_MIGRATE_CONFIRM=1', async () => {
    delete process.env.PLUME_MIGRATE_CONFIRM
    await migrate(db(), [v1])
    await seed()
    const smaller = entity('customer', [field('name', { column: 'varchar(200)', required: true })])
    await expect(migrate(db(), [smaller])).rejects.toBeInstanceOf(DestructiveChangeError)
    process.env.PLUME_MIGRATE_CONFIRM = '1'
    await migrate(db(), [smaller])
    expect(Object.keys(await columnTypes(db(), 'customers')).sort()).toEqual([
      'createdAt',
      'id',
      'name',
      'updatedAt',
      'version',
    ])
  })
})

describe(`migrate: dry run (${dbKind()})`, { timeout: 30_000 }, () => {
  it('returns the plan for a fresh database and executes nothing', async () => {
    const result = await migrate(db(), [v1], { dryRun: true })
    expect(result.applied).toHaveLength(1)
    expect(result.applied[0]?.statements[0]).toMatch(
      /^create table "customers" \(\n {2}"id" integer generated by default as identity primary key,/,
    )
    const tables = rowsOf(
      await db().raw('select tablename from pg_tables where schemaname = current_schema()'),
    )
    expect(tables).toEqual([])
  })

  it('lists changes to an existing table without applying them; refuses destructive ones unless confirmed', async () => {
    await migrate(db(), [v1])
    await seed()
    const before = await snapshot()
    const next = entity('customer', [
      field('name', { column: 'varchar(200)', required: true }),
      field('phone', { nullable: true }),
    ])
    await expect(migrate(db(), [next], { dryRun: true, confirmDestructive: false })).rejects.toBeInstanceOf(
      DestructiveChangeError,
    )
    const plan = await migrate(db(), [next], { dryRun: true, confirmDestructive: true })
    expect(plan.applied[0]?.statements).toEqual([
      'alter table "customers" add column "phone" text',
      'alter table "customers" drop column "fax"',
      'alter table "customers" drop column "code"',
      'alter table "customers" drop column "rating"',
      'alter table "customers" drop column "balance"',
      'alter table "customers" drop column "extra"',
    ])
    expect(await snapshot()).toEqual(before)
  })
})
