import { describe, it, expect } from 'vitest'
import { migrate, VERSIONS_TABLE } from '../migrate/index.js'
import { columnTypes, count, dbKind, entity, field, indexNames, rowsOf, useTestDatabase } from './fixtures.js'

const db = useTestDatabase()

const product = entity('product', [
  field('sku', { column: 'varchar(40)', required: true, unique: true, minLength: 1 }),
  field('name', { column: 'varchar(200)', required: true }),
  field('description', { column: 'text', nullable: true }),
  field('price', { type: 'number', column: 'numeric(14,2)', required: true, default: 0, minimum: 0 }),
  field('discount', { type: 'number', column: 'numeric(7,4)', default: 0, minimum: 0, maximum: 1 }),
  field('weight', { type: 'number', column: 'double precision', nullable: true }),
  field('stock', { type: 'integer', column: 'integer', required: true, default: 0, minimum: 0 }),
  field('views', { type: 'integer', column: 'bigint', default: 0 }),
  field('active', { type: 'boolean', column: 'boolean', required: true, default: true }),
  field('status', {
    column: 'varchar(20)',
    required: true,
    default: 'draft',
    enum: ['draft', 'active', 'retired'],
  }),
  field('tier', { type: 'integer', column: 'integer', nullable: true, enum: [1, 2, 3] }),
  field('attributes', { type: 'object', column: 'jsonb', default: { color: 'red' } }),
  field('tags', { type: 'array', column: 'jsonb', default: [] }),
  field('launchedOn', { column: 'date', nullable: true, format: 'date' }),
  field('externalId', { column: 'uuid', nullable: true, format: 'uuid' }),
  field('note', { column: 'text', default: "it's a ? note \\ here" }),
])

describe(`migrate: creating tables (${dbKind()})`, { timeout: 30_000 }, () => {
  it('creates a table with every column type, server-managed columns and a version row', async () => {
    const result = await migrate(db(), [product])
    expect(result.applied.map((a) => a.entity)).toEqual(['product'])
    expect(result.unchanged).toEqual([])
    expect(result.warnings).toEqual([])
    expect(await columnTypes(db(), 'products')).toEqual({
      id: 'integer',
      sku: 'character varying(40)',
      name: 'character varying(200)',
      description: 'text',
      price: 'numeric(14,2)',
      discount: 'numeric(7,4)',
      weight: 'double precision',
      stock: 'integer',
      views: 'bigint',
      active: 'boolean',
      status: 'character varying(20)',
      tier: 'integer',
      attributes: 'jsonb',
      tags: 'jsonb',
      launchedOn: 'date',
      externalId: 'uuid',
      note: 'text',
      createdAt: 'timestamp with time zone',
      updatedAt: 'timestamp with time zone',
      version: 'integer',
    })
    const versions = rowsOf(
      await db().raw('select entity, table_name, hash, definition from ??', [VERSIONS_TABLE]),
    )
    expect(versions).toHaveLength(1)
    expect(versions[0]).toMatchObject({ entity: 'product', table_name: 'products' })
    expect(String(versions[0]?.hash)).toMatch(/^[0-9a-f]{64}$/)
  })

  it('applies defaults, identity ids and timestamps', async () => {
    await migrate(db(), [product])
    const [row] = await db()('products').insert({ sku: 'A-1', name: 'Anvil' }).returning('*')
    expect(row).toMatchObject({
      id: 1,
      price: '0.00',
      discount: '0.0000',
      stock: 0,
      active: true,
      status: 'draft',
      attributes: { color: 'red' },
      tags: [],
      note: "it's a ? note \\ here",
      version: 1,
    })
    expect(row.createdAt).toBeInstanceOf(Date)
    expect(row.updatedAt).toBeInstanceOf(Date)
    const [second] = await db()('products').insert({ sku: 'A-2', name: 'Bolt' }).returning('id')
    expect(second.id).toBe(2)
  })

  it('enforces NOT NULL for required, non-nullable fields only', async () => {
    await migrate(db(), [product])
    await expect(db()('products').insert({ sku: 'A-1' })).rejects.toThrow(/null value in column "name"/)
    await expect(
      db()('products').insert({ sku: 'A-1', name: 'x', description: null, weight: null }),
    ).resolves.toBeDefined()
  })

  it('enforces unique fields', async () => {
    await migrate(db(), [product])
    await db()('products').insert({ sku: 'A-1', name: 'Anvil' })
    await expect(db()('products').insert({ sku: 'A-1', name: 'Again' })).rejects.toThrow(/products_sku_key/)
  })

  it('turns enum, minimum, maximum and minLength into CHECK constraints', async () => {
    await migrate(db(), [product])
    const base = { name: 'x' }
    await expect(db()('products').insert({ ...base, sku: 'a', status: 'sold' })).rejects.toThrow(
      /products_status_check_enum/,
    )
    await expect(db()('products').insert({ ...base, sku: 'b', tier: 4 })).rejects.toThrow(
      /products_tier_check_enum/,
    )
    await expect(db()('products').insert({ ...base, sku: 'c', price: '-0.01' })).rejects.toThrow(
      /products_price_check_min/,
    )
    await expect(db()('products').insert({ ...base, sku: 'd', discount: '1.5' })).rejects.toThrow(
      /products_discount_check_max/,
    )
    await expect(db()('products').insert({ ...base, sku: '' })).rejects.toThrow(/products_sku_check_minlen/)
    await db()('products').insert({
      ...base,
      sku: 'ok',
      status: 'retired',
      tier: null,
      discount: '1',
      price: '0',
    })
    expect(await count(db(), 'products')).toBe(1)
  })

  it('creates foreign keys with restrict, cascade and set null, indexed, across a reference cycle', async () => {
    const customer = entity('customer', [
      field('name', { required: true }),
      field('primaryContactId', {
        type: 'integer',
        column: 'integer',
        nullable: true,
        ref: { entity: 'contact', onDelete: 'set null' },
      }),
    ])
    const contact = entity('contact', [
      field('customerId', {
        type: 'integer',
        column: 'integer',
        required: true,
        ref: { entity: 'customer', onDelete: 'cascade' },
      }),
      field('email', { column: 'varchar(200)' }),
    ])
    const order = entity('order', [
      field('customerId', {
        type: 'integer',
        column: 'integer',
        required: true,
        ref: { entity: 'customer' },
      }),
    ])
    await migrate(db(), [customer, contact, order])

    await expect(db()('contacts').insert({ customerId: 999 })).rejects.toThrow(/contacts_customerId_fkey/)
    const [c] = await db()('customers').insert({ name: 'ACME' }).returning('id')
    const [p] = await db()('contacts').insert({ customerId: c.id, email: 'a@acme.test' }).returning('id')
    await db()('customers').where({ id: c.id }).update({ primaryContactId: p.id })
    await db()('orders').insert({ customerId: c.id })
    // restrict: an order still points at the customer
    await expect(db()('customers').where({ id: c.id }).delete()).rejects.toThrow(/orders_customerId_fkey/)
    // set null: deleting the contact clears the customer's pointer
    await db()('contacts').where({ id: p.id }).delete()
    expect((await db()('customers').where({ id: c.id }).first()).primaryContactId).toBeNull()
    // cascade: deleting the customer deletes its contacts
    await db()('contacts').insert({ customerId: c.id })
    await db()('orders').delete()
    await db()('customers').where({ id: c.id }).delete()
    expect(await count(db(), 'contacts')).toBe(0)

    expect(await indexNames(db(), 'contacts')).toContain('contacts_customerId_fk_idx')
    expect(await indexNames(db(), 'customers')).toContain('customers_primaryContactId_fk_idx')
    expect(await indexNames(db(), 'orders')).toContain('orders_customerId_fk_idx')
  })

  it('creates entity indexes, unique and not, with given or derived names', async () => {
    const order = entity(
      'order',
      [field('number', { required: true }), field('status'), field('placedAt', { column: 'timestamptz' })],
      {
        indexes: [
          { fields: ['number'], unique: true },
          { fields: ['status', 'placedAt'], name: 'orders_by_status' },
        ],
      },
    )
    await migrate(db(), [order])
    expect(await indexNames(db(), 'orders')).toEqual([
      'orders_by_status',
      'orders_number_uniq',
      'orders_pkey',
    ])
    await db()('orders').insert({ number: 'SO-1' })
    await expect(db()('orders').insert({ number: 'SO-1' })).rejects.toThrow(/orders_number_uniq/)
    const def = rowsOf(
      await db().raw("select indexdef from pg_indexes where indexname = 'orders_by_status'"),
    )[0]
    expect(String(def?.indexdef)).toContain('(status, "placedAt")')
  })

  it('keeps generated names within 63 characters, distinct and stable', async () => {
    const long = entity(
      'warehouseReplenishmentSuggestion',
      [
        field('preferredSupplierContactEmailAddressForUrgentOrders', {
          column: 'varchar(200)',
          unique: true,
          minLength: 3,
        }),
        field('preferredSupplierContactEmailAddressForUrgentOrdersBackup', {
          column: 'varchar(200)',
          unique: true,
          minLength: 3,
        }),
      ],
      { table: 'warehouse_replenishment_suggestions' },
    )
    const first = await migrate(db(), [long])
    const names = rowsOf(
      await db().raw(
        "select conname from pg_constraint where conrelid = 'warehouse_replenishment_suggestions'::regclass and contype in ('u', 'c')",
      ),
    ).map((r) => String(r.conname))
    expect(names).toHaveLength(4)
    expect(new Set(names).size).toBe(4)
    for (const n of names) expect(n.length).toBeLessThanOrEqual(63)
    expect(first.applied).toHaveLength(1)
    expect((await migrate(db(), [long])).applied).toEqual([])
  })

  it('refuses definitions it cannot turn into a table, before changing anything', async () => {
    const bad = entity('line', [
      field('orderId', { type: 'integer', column: 'integer', ref: { entity: 'nope' } }),
    ])
    await expect(migrate(db(), [bad])).rejects.toThrow(/line\.orderId: reference to unknown entity "nope"/)
    const injected = entity('evil', [field('x', { column: 'text; drop table users' })])
    await expect(migrate(db(), [injected])).rejects.toThrow(/unsupported column type/)
    expect(rowsOf(await db().raw("select to_regclass('plume_schema_versions') as t"))[0]?.t).toBeNull()
  })
})
