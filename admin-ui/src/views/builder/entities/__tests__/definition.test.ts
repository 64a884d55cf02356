import { describe, expect, it } from 'vitest'
import { fromProperty, kindOf, newField, toProperty, PHONE_PATTERN, fieldProblems } from '../field-types'
import { newEntityDefinition, renamesOf, retiredOf, toDefinition, toDraft } from '../definition'

const L = (en: string, zh: string) => ({ en, 'zh-CN': zh })

describe('builder field types ↔ entity definition properties', () => {
  it('maps every builder type onto the metaschema (type, format, x-type, x-ref, widget)', () => {
    const make = (kind: Parameters<typeof newField>[0], extra: Partial<ReturnType<typeof newField>> = {}) =>
      toProperty({ ...newField(kind), name: 'f', label: L('F', '字段'), ...extra })
    expect(make('money')).toMatchObject({ type: ['string', 'null'], 'x-type': 'money' })
    expect(make('percent')).toMatchObject({ type: ['string', 'null'], 'x-type': 'percent' })
    expect(make('date', { required: true })).toMatchObject({ type: 'string', format: 'date' })
    expect(make('datetime')).toMatchObject({ format: 'date-time' })
    expect(make('email')).toMatchObject({ format: 'email', maxLength: 254 })
    expect(make('phone')).toMatchObject({ pattern: PHONE_PATTERN, maxLength: 32 })
    expect(make('url')).toMatchObject({ format: 'uri' })
    expect(make('address')).toMatchObject({ 'x-type': 'text', 'x-ui': { widget: 'textarea' } })
    expect(make('json')).toMatchObject({ type: ['object', 'null'], 'x-type': 'json' })
    expect(make('relation', { target: 'warehouse' })).toMatchObject({
      type: ['integer', 'null'],
      'x-ref': { entity: 'warehouse' },
    })
    expect(make('boolean', { defaultValue: 'true' })).toMatchObject({
      type: ['boolean', 'null'],
      default: true,
    })
    expect(make('number', { minimum: 0, maximum: 10, defaultValue: '2' })).toMatchObject({
      type: ['number', 'null'],
      minimum: 0,
      maximum: 10,
      default: 2,
    })
    const status = make('enum', {
      values: [
        { value: 'new', label: L('New', '新建') },
        { value: 'done', label: L('', '') },
      ],
    })
    expect(status).toMatchObject({ enum: ['new', 'done'], 'x-ui': { enumLabels: { new: L('New', '新建') } } })
    expect(make('text', { widgetOptions: { placeholder: 'e.g. ABC' } })).toMatchObject({
      maxLength: 200,
      'x-ui': { label: L('F', '字段'), widgetOptions: { placeholder: 'e.g. ABC' } },
    })
  })

  it('recognises each type back from its property, and keeps what it does not edit', () => {
    for (const kind of [
      'text',
      'money',
      'percent',
      'date',
      'datetime',
      'enum',
      'boolean',
      'relation',
      'json',
      'email',
      'phone',
      'url',
      'address',
      'number',
    ] as const) {
      const p = toProperty({
        ...newField(kind),
        name: 'f',
        label: L('F', '字段'),
        target: 'warehouse',
        values: [{ value: 'a', label: L('', '') }],
      })
      expect(kindOf(p)).toBe(kind)
    }
    const shipped = {
      type: 'string',
      maxLength: 32,
      'x-unique': true,
      'x-search': true,
      minLength: 1,
      'x-ui': { label: L('Code', '编码'), group: 'main' },
    }
    expect(toProperty(fromProperty('code', shipped, true))).toEqual(shipped)
    const odd = { type: 'array', items: { type: 'string' }, 'x-ui': { label: L('Tags', '标签') } }
    expect(kindOf(odd)).toBe('other')
    expect(toProperty(fromProperty('tags', odd, false))).toEqual(odd)
  })

  it('says what is wrong with a field before it is sent', () => {
    expect(fieldProblems({ ...newField('relation'), name: 'Bad_name', label: L('x', '') }, [])).toEqual([
      'badName',
      'labelBoth',
      'pickEntity',
    ])
    expect(fieldProblems({ ...newField('text'), name: 'code', label: L('Code', '编码') }, ['code'])).toEqual([
      'nameTaken',
    ])
  })
})

describe('the draft of an entity', () => {
  const vehicle = newEntityDefinition({
    name: 'vehicle',
    label: L('Vehicle', '车辆'),
    domain: 'custom',
    titleField: 'name',
    titleLabel: L('Name', '名称'),
  })

  it('a new entity: plural route, snake table, one required title field', () => {
    expect(vehicle['x-entity']).toEqual({
      name: 'vehicle',
      plural: 'vehicles',
      table: 'vehicles',
      domain: 'custom',
    })
    expect(vehicle.required).toEqual(['name'])
    expect(vehicle['x-ui']).toMatchObject({ titleField: 'name', listColumns: ['name'] })
    expect(toDefinition(toDraft(vehicle))).toEqual(vehicle)
  })

  it('renames, retires and reorders fields; relations and the layout follow', () => {
    const d = toDraft(vehicle)
    d.fields.push({
      ...newField('relation'),
      name: 'warehouseId',
      label: L('Warehouse', '仓库'),
      target: 'warehouse',
    })
    d.fields.push({ ...newField('money'), name: 'price', label: L('Price', '价格') })
    d.layout.listColumns.push('price')
    d.layout.groups.push({ name: 'main', label: L('Main', '主要'), fields: ['name', 'price'] })
    d.layout.sortField = 'price'
    d.layout.sortDir = -1
    const def = toDefinition(d)
    expect(Object.keys(def.properties as object)).toEqual(['name', 'warehouseId', 'price'])
    expect((def['x-ui'] as { fieldOrder: string[] }).fieldOrder).toEqual(['name', 'warehouseId', 'price'])
    // read back from JSONB (keys sorted), the order is x-ui's
    const sorted = {
      ...def,
      properties: Object.fromEntries(
        Object.entries(def.properties as object).sort(([a], [b]) => a.localeCompare(b)),
      ),
    }
    expect(toDraft(sorted).fields.map((f) => f.name)).toEqual(['name', 'warehouseId', 'price'])
    expect(def['x-relations']).toEqual({
      warehouse: { kind: 'belongsTo', entity: 'warehouse', field: 'warehouseId' },
    })
    expect(def['x-ui']).toMatchObject({
      listColumns: ['name', 'price'],
      defaultSort: { price: -1 },
      groups: [{ name: 'main', fields: ['name', 'price'] }],
    })

    const applied = toDraft(def)
    applied.fields[0]!.name = 'plate'
    applied.fields.splice(1, 1)
    expect(renamesOf(applied.fields)).toEqual({ name: 'plate' })
    expect(retiredOf(applied)).toEqual(['warehouseId'])
    expect(toDefinition(applied)['x-relations']).toBeUndefined()
  })
})
