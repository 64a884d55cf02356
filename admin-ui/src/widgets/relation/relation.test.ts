import { describe, expect, it } from 'vitest'
import { customer, entity, field } from '../../__tests__/fixtures'
import { pickerFields, pickerLimit, pickerQuery } from './query'

describe('relation picker query', () => {
  it('asks for one small page, sorted by title, only id and title, no count', () => {
    expect(pickerQuery(customer, '')).toEqual({
      $limit: 20,
      $sort: { name: 1 },
      $select: ['id', 'name'],
      $total: false,
    })
  })

  it('searches the title field and the text search fields with $ilike, escaping wildcards', () => {
    expect(pickerFields(customer)).toEqual(['name', 'code'])
    expect(pickerQuery(customer, ' 50% ').$or).toEqual([
      { name: { $ilike: '%50\\%%' } },
      { code: { $ilike: '%50\\%%' } },
    ])
  })

  it('also matches a typed id', () => {
    expect(pickerQuery(customer, '#42').$or).toContainEqual({ id: 42 })
  })

  it('bounds the page size whatever the widget options say', () => {
    expect(pickerLimit(undefined)).toBe(20)
    expect(pickerLimit('abc')).toBe(20)
    expect(pickerLimit(0)).toBe(20)
    expect(pickerLimit(5)).toBe(5)
    expect(pickerLimit(10_000)).toBe(100)
  })

  it('matches nothing rather than everything when the target has no text field', () => {
    const counter = entity('counter', [field('n', { type: 'integer' })])
    expect(pickerQuery(counter, 'x')).toMatchObject({ $or: [{ id: -1 }], $sort: { id: -1 }, $select: ['id'] })
  })
})
