import { describe, expect, it } from 'vitest'
import { buildEntities } from '../registry.js'
import { label, pair } from './fixtures.js'

const C = 'entities/test/customer.json'
const props = {
  code: { type: 'string', maxLength: 10, 'x-ui': label('Code', '编码') },
  note: { type: ['string', 'null'], maxLength: 80, 'x-ui': label('Note', '备注') },
}

describe('x-ui.fieldOrder: the order of the fields on forms, kept apart from the JSON key order', () => {
  it('puts the listed fields first, as listed, and the rest after them in file order', () => {
    const ui = { 'x-ui': { ...label('Customer', '客户'), fieldOrder: ['note', 'name'] } }
    const { errors, entities } = buildEntities(pair(ui, props))
    expect(errors).toEqual([])
    expect(entities.get('customer')?.fieldOrder).toEqual([
      'id',
      'note',
      'name',
      'partnerId',
      'code',
      'createdAt',
      'updatedAt',
      'version',
    ])
  })

  it('without it, the file order stays', () => {
    const { entities } = buildEntities(pair({}, props))
    expect(entities.get('customer')?.fieldOrder).toEqual([
      'id',
      'name',
      'partnerId',
      'code',
      'note',
      'createdAt',
      'updatedAt',
      'version',
    ])
  })

  it('refuses an unknown field, naming it', () => {
    const ui = { 'x-ui': { ...label('Customer', '客户'), fieldOrder: ['note', 'nte'] } }
    const { errors } = buildEntities(pair(ui, props))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ source: C, path: '/x-ui/fieldOrder/1' })
    expect(errors[0]?.message).toMatch(/fieldOrder names unknown field "nte"/)
  })
})
