import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { describe, expect, it } from 'vitest'
import { buildEntities } from '../registry.js'
import { entityJsonSchema } from '../schema.js'
import type { EntityDefinition } from '../types.js'
import { entityFile, label, src } from './fixtures.js'

const customerFile = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Customer',
  description: 'A company or person that buys from us',
  type: 'object',
  'x-entity': { name: 'customer', plural: 'customers', table: 'customers', domain: 'crm', versioned: true },
  properties: {
    code: { type: 'string', maxLength: 32, 'x-unique': true, 'x-ui': label('Code', '编码') },
    name: { type: 'string', minLength: 1, maxLength: 200, 'x-search': true, 'x-ui': label('Name', '名称') },
    creditLimit: {
      type: 'string',
      'x-type': 'money',
      default: '0.00',
      'x-ui': { ...label('Credit limit', '信用额度'), widget: 'money' },
    },
    discount: { type: 'number', 'x-type': 'percent' },
    pieces: { type: 'integer', 'x-type': 'quantity' },
    notes: { type: ['string', 'null'], 'x-type': 'text', maxLength: 200 },
    settings: { type: 'object', 'x-type': 'json' },
    partnerId: {
      type: ['integer', 'null'],
      'x-ref': { entity: 'partner', onDelete: 'set null' },
      'x-ui': label('Partner', '合作伙伴'),
    },
    ownerId: { type: 'integer', 'x-ref': { entity: 'partner' } },
    email: { type: ['string', 'null'], format: 'email', maxLength: 254, 'x-sensitive': true },
    status: { type: ['string', 'null'], enum: ['active', 'blocked', 'archived', null], default: 'active' },
    tags: { type: 'array', items: { type: 'string' } },
    lastSeenAt: { type: ['string', 'null'], format: 'date-time', readOnly: true },
    birthday: { type: 'string', format: 'date' },
    externalId: { type: 'string', format: 'uuid' },
    longText: { type: 'string', maxLength: 5000 },
    plain: { type: 'string' },
    big: { type: 'integer', maximum: 9007199254740991 },
    ratio: { type: 'number' },
    vip: { type: 'boolean', default: false },
    legacyCode: { type: 'string', 'x-column': 'varchar(12)', maxLength: 12 },
    secret: { type: 'string', writeOnly: true },
  },
  required: ['code', 'name'],
  additionalProperties: false,
  'x-indexes': [{ fields: ['partnerId', 'status'] }],
  'x-relations': {
    partner: { kind: 'belongsTo', entity: 'partner', field: 'partnerId' },
    contacts: { kind: 'hasMany', entity: 'contact', field: 'customerId' },
  },
  'x-ui': {
    ...label('Customer', '客户'),
    titleField: 'name',
    listColumns: ['code', 'name'],
    searchFields: ['code'],
    defaultSort: { name: 1 },
  },
}

function build(): Map<string, EntityDefinition> {
  const contact = entityFile(
    'contact',
    {},
    { customerId: { type: 'integer', 'x-ref': { entity: 'customer', onDelete: 'cascade' } } },
  )
  const { entities, errors } = buildEntities([
    src(
      'partner',
      entityFile('partner', {
        'x-entity': {
          name: 'partner',
          plural: 'partners',
          table: 'partners',
          domain: 'test',
          versioned: false,
        },
      }),
    ),
    src('customer', customerFile),
    src('contact', contact),
  ])
  expect(errors).toEqual([])
  return entities
}

function customer(): EntityDefinition {
  const c = build().get('customer')
  if (!c) throw new Error('customer missing')
  return c
}

describe('normalisation', () => {
  it('keeps the entity header', () => {
    const c = customer()
    expect(c).toMatchObject({
      name: 'customer',
      plural: 'customers',
      table: 'customers',
      domain: 'crm',
      versioned: true,
      description: 'A company or person that buys from us',
      source: 'entities/test/customer.json',
    })
    expect(c.required).toEqual(['code', 'name'])
    expect(c.indexes).toEqual([{ fields: ['partnerId', 'status'] }])
  })

  it('derives column types', () => {
    const columns = Object.fromEntries(Object.values(customer().fields).map((f) => [f.name, f.column]))
    expect(columns).toEqual({
      id: 'integer',
      code: 'varchar(32)',
      name: 'varchar(200)',
      creditLimit: 'numeric(14,2)',
      discount: 'numeric(7,4)',
      pieces: 'integer',
      notes: 'text',
      settings: 'jsonb',
      partnerId: 'integer',
      ownerId: 'integer',
      email: 'text',
      status: 'text',
      tags: 'jsonb',
      lastSeenAt: 'timestamptz',
      birthday: 'date',
      externalId: 'uuid',
      longText: 'text',
      plain: 'text',
      big: 'bigint',
      ratio: 'double precision',
      vip: 'boolean',
      legacyCode: 'varchar(12)',
      secret: 'text',
      createdAt: 'timestamptz',
      updatedAt: 'timestamptz',
      version: 'integer',
    })
  })

  it('injects server-managed fields: id first, timestamps and version last', () => {
    const c = customer()
    expect(c.fieldOrder[0]).toBe('id')
    expect(c.fieldOrder.slice(-3)).toEqual(['createdAt', 'updatedAt', 'version'])
    expect(c.fields.id).toMatchObject({
      type: 'integer',
      readOnly: true,
      serverManaged: true,
      required: false,
      nullable: false,
    })
    expect(c.fields.createdAt).toMatchObject({
      type: 'string',
      format: 'date-time',
      column: 'timestamptz',
      serverManaged: true,
    })
    expect(c.fields.version).toMatchObject({ type: 'integer', serverManaged: true })
    expect(c.fields.code?.serverManaged).toBe(false)
  })

  it('omits version when versioned is false', () => {
    const p = build().get('partner')
    expect(p?.versioned).toBe(false)
    expect(p?.fieldOrder).toEqual(['id', 'name', 'createdAt', 'updatedAt'])
  })

  it('sets nullable, required, unique, sensitive, readOnly, writeOnly, searchable', () => {
    const f = customer().fields
    expect(f.partnerId).toMatchObject({ type: 'integer', nullable: true, required: false })
    expect(f.code).toMatchObject({ nullable: false, required: true, unique: true, searchable: true })
    expect(f.name).toMatchObject({ required: true, searchable: true, minLength: 1, maxLength: 200 })
    expect(f.email).toMatchObject({ sensitive: true, format: 'email', searchable: false })
    expect(f.lastSeenAt).toMatchObject({ readOnly: true, nullable: true })
    expect(f.secret?.writeOnly).toBe(true)
    expect(customer().ui.searchFields).toEqual(['code', 'name'])
  })

  it('normalises refs, enums, money and ui', () => {
    const f = customer().fields
    expect(f.partnerId?.ref).toEqual({ entity: 'partner', onDelete: 'set null' })
    expect(f.ownerId?.ref).toEqual({ entity: 'partner', onDelete: 'restrict' })
    expect(f.status).toMatchObject({
      enum: ['active', 'blocked', 'archived'],
      default: 'active',
      nullable: true,
    })
    expect(f.creditLimit).toMatchObject({
      type: 'string',
      xType: 'money',
      default: '0.00',
      pattern: '^-?\\d{1,12}(\\.\\d{1,2})?$',
    })
    expect(f.creditLimit?.ui).toEqual({ label: { en: 'Credit limit', 'zh-CN': '信用额度' }, widget: 'money' })
    expect(f.discount?.pattern).toBeUndefined()
    expect(f.tags?.ui).toEqual({})
  })

  it('keeps the schema as written', () => {
    const c = customer()
    expect(c.fields.creditLimit?.schema).toEqual(customerFile.properties.creditLimit)
    expect(c.schema).toEqual(customerFile)
    expect(c.ui).toMatchObject({
      label: { en: 'Customer', 'zh-CN': '客户' },
      titleField: 'name',
      listColumns: ['code', 'name'],
      defaultSort: { name: 1 },
    })
  })

  it('normalises relations', () => {
    expect(customer().relations).toEqual({
      partner: { name: 'partner', kind: 'belongsTo', entity: 'partner', field: 'partnerId' },
      contacts: { name: 'contacts', kind: 'hasMany', entity: 'contact', field: 'customerId' },
    })
  })

  it('merges extension files into their target', () => {
    const ext = {
      source: 'plugins/loyalty/entities/customer.json',
      raw: {
        'x-extends': 'customer',
        properties: { points: { type: 'integer', minimum: 0, default: 0, 'x-ui': label('Points', '积分') } },
        required: ['points'],
        'x-indexes': [{ fields: ['points'] }],
        'x-relations': { owner: { kind: 'belongsTo', entity: 'partner', field: 'ownerId' } },
      },
    }
    const { entities, errors } = buildEntities([
      src('partner', entityFile('partner')),
      src('customer', customerFile),
      ext,
    ])
    expect(errors.filter((e) => e.source === ext.source)).toEqual([])
    const c = entities.get('customer')
    expect(c?.fields.points).toMatchObject({ column: 'integer', required: true, default: 0 })
    expect(c?.fieldOrder.slice(-5)).toEqual(['secret', 'points', 'createdAt', 'updatedAt', 'version'])
    expect(c?.required).toEqual(['code', 'name', 'points'])
    expect(c?.indexes).toContainEqual({ fields: ['points'] })
    expect(c?.relations.owner?.field).toBe('ownerId')
    expect((c?.schema.properties as Record<string, unknown>).points).toBeDefined()
    expect(customerFile.properties).not.toHaveProperty('points')
  })
})

describe('enum labels', () => {
  it('reach the field UI and stay out of the record schema', () => {
    const enumLabels = {
      active: { en: 'Active', 'zh-CN': '启用' },
      blocked: { en: 'Blocked', 'zh-CN': '冻结' },
    }
    const file = entityFile(
      'ticket',
      {},
      {
        status: {
          type: 'string',
          enum: ['active', 'blocked'],
          'x-ui': { ...label('Status', '状态'), enumLabels },
        },
      },
    )
    const { entities, errors } = buildEntities([src('ticket', file)])
    expect(errors).toEqual([])
    const e = entities.get('ticket')!
    expect(e.fields.status?.ui.enumLabels).toEqual(enumLabels)
    expect(JSON.stringify(entityJsonSchema(e))).not.toContain('enumLabels')
  })
})

describe('entityJsonSchema', () => {
  const ajv = new Ajv2020({ strict: true, allErrors: true })
  addFormats.default(ajv)
  const validate = ajv.compile(entityJsonSchema(customer()))

  it('compiles under strict Ajv and accepts a valid record', () => {
    const record = {
      id: 1,
      code: 'C1',
      name: 'Acme',
      creditLimit: '1200.50',
      partnerId: null,
      ownerId: 1,
      status: null,
      discount: 5,
      pieces: 1,
      settings: {},
      tags: [],
      birthday: '2020-01-31',
      externalId: '0b3e1d5e-7c66-4c8a-9a5e-1f1f1f1f1f1f',
      big: 1,
      ratio: 0.5,
      vip: true,
      legacyCode: 'x',
      plain: '',
      longText: '',
      secret: 's',
      createdAt: '2024-01-01T00:00:00Z',
      updatedAt: '2024-01-01T00:00:00Z',
      version: 1,
    }
    expect(validate(record), JSON.stringify(validate.errors)).toBe(true)
  })

  it('refuses bad money, unknown fields and values outside the enum', () => {
    expect(validate({ code: 'C1', name: 'Acme', creditLimit: '12.345' })).toBe(false)
    expect(validate({ code: 'C1', name: 'Acme', creditLimit: 12 })).toBe(false)
    expect(validate({ code: 'C1', name: 'Acme', unknown: 1 })).toBe(false)
    expect(validate({ code: 'C1', name: 'Acme', status: 'gone' })).toBe(false)
    expect(validate({ code: 'C1', name: 'Acme', status: 'blocked' })).toBe(true)
  })
})
