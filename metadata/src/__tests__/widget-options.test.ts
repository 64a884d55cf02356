import { describe, expect, it } from 'vitest'
import { buildEntities } from '../registry.js'
import { label, pair } from './fixtures.js'

const C = 'entities/test/customer.json'

describe('x-ui.widgetOptions: a widget configured in the builder', () => {
  it('is accepted with string, number and boolean values and reaches the normalised field', () => {
    const note = {
      type: 'string',
      maxLength: 80,
      'x-ui': {
        ...label('Note', '备注'),
        widget: 'text',
        widgetOptions: { placeholder: 'e.g. VIP', rows: 3, wide: true },
      },
    }
    const { errors, entities } = buildEntities(pair({}, { note }))
    expect(errors).toEqual([])
    expect(entities.get('customer')?.fields.note?.ui.widgetOptions).toEqual({
      placeholder: 'e.g. VIP',
      rows: 3,
      wide: true,
    })
  })

  it('refuses a nested value, naming the option', () => {
    const note = {
      type: 'string',
      'x-ui': { ...label('Note', '备注'), widgetOptions: { placeholder: { html: '<b>' } } },
    }
    const { errors } = buildEntities(pair({}, { note }))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ source: C, path: '/properties/note/x-ui/widgetOptions/placeholder' })
  })

  it('refuses an options list that is not an object', () => {
    const note = { type: 'string', 'x-ui': { ...label('Note', '备注'), widgetOptions: ['placeholder'] } }
    const { errors } = buildEntities(pair({}, { note }))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ source: C, path: '/properties/note/x-ui/widgetOptions' })
  })
})
