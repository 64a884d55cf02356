import { describe, expect, it } from 'vitest'
import { castClass } from '../cast-matrix.js'
import { applyCustomization, deriveCustomization } from '../customize.js'
import { zhMessage } from '../messages.js'
import { composeRenames } from '../rollback.js'

describe('the safe-cast matrix', () => {
  it('classifies the published pairs', () => {
    expect(castClass('varchar(50)', 'text')).toBe('widen')
    expect(castClass('integer', 'bigint')).toBe('widen')
    expect(castClass('integer', 'text')).toBe('widen')
    expect(castClass('date', 'timestamptz')).toBe('widen')
    expect(castClass('varchar(200)', 'varchar(50)')).toBe('narrow')
    expect(castClass('timestamptz', 'date')).toBe('narrow')
    expect(castClass('text', 'integer')).toBe('convert')
    expect(castClass('integer', 'varchar(5)')).toBe('convert')
    expect(castClass('jsonb', 'text')).toBe('refused')
    expect(castClass('boolean', 'integer')).toBe('refused')
  })
})

describe('rollback renames', () => {
  it('composes renames back to the oldest names', () => {
    expect(composeRenames([{ renames: { b: 'c' } }, { renames: { a: 'b' } }])).toEqual({ c: 'a' })
    expect(composeRenames([{ renames: {} }, { renames: { phone: 'mobile' } }])).toEqual({ mobile: 'phone' })
    expect(composeRenames([{ renames: { b: 'a' } }, { renames: { a: 'b' } }])).toEqual({})
  })
})

describe('customizations', () => {
  const file = {
    type: 'object',
    'x-entity': { name: 'x', plural: 'xs', table: 'xs', domain: 'd' },
    properties: { a: { type: 'string', 'x-ui': { label: { en: 'A', 'zh-CN': '甲' } } } },
    required: ['a'],
    'x-ui': { label: { en: 'X', 'zh-CN': '乙' } },
  }
  it('keeps additions and x-ui changes apart, and merges them back', () => {
    const asked = {
      ...file,
      properties: {
        a: { type: 'string', 'x-ui': { label: { en: 'AA', 'zh-CN': '甲甲' } } },
        b: { type: 'integer' },
      },
    }
    const { customization, errors } = deriveCustomization(file, asked, 'plugin p')
    expect(errors).toEqual([])
    expect(Object.keys(customization.properties)).toEqual(['b'])
    expect(customization.fieldUi.a).toEqual({ label: { en: 'AA', 'zh-CN': '甲甲' } })
    expect(applyCustomization(file, customization)).toEqual(asked)
  })
  it('refuses to remove or change a field the file defines, naming the path', () => {
    const { errors } = deriveCustomization(file, { ...file, properties: {} }, 'plugin p')
    expect(errors[0]).toMatchObject({ path: '/properties/a' })
    const changed = deriveCustomization(file, { ...file, properties: { a: { type: 'integer' } } }, 'plugin p')
    expect(changed.errors[0]?.message).toMatch(/only its x-ui/)
  })
})

it('says the API errors in Simplified Chinese', () => {
  expect(zhMessage('No entity definition named "lead"')).toBe('没有名为 "lead" 的实体定义')
  expect(zhMessage('Invalid definition: /properties/a/type must be a string')).toBe(
    '定义无效：/properties/a/type must be a string',
  )
  expect(zhMessage('unknown')).toBe('unknown')
})
