import { describe, it, expect } from 'vitest'
import { compareColumnTypes, definitionHash, parseColumnType } from '../migrate/index.js'
import { literal, objectName, withoutPlaceholders } from '../migrate/sql.js'
import { entity, field } from './fixtures.js'

const change = (from: string, to: string): string =>
  compareColumnTypes(parseColumnType(from), parseColumnType(to))

describe('column types', () => {
  it('spells types as PostgreSQL prints them', () => {
    expect(parseColumnType('varchar(200)').text).toBe('character varying(200)')
    expect(parseColumnType('VARCHAR ( 20 )').text).toBe('character varying(20)')
    expect(parseColumnType('timestamptz').text).toBe('timestamp with time zone')
    expect(parseColumnType('decimal(7, 4)').text).toBe('numeric(7,4)')
    expect(parseColumnType('numeric(10)').text).toBe('numeric(10,0)')
    expect(parseColumnType('int8').text).toBe('bigint')
    expect(parseColumnType('float8').text).toBe('double precision')
    expect(parseColumnType('text[]').text).toBe('text[]')
    expect(() => parseColumnType('text; drop table x')).toThrow(/unsupported column type/)
  })

  it('classifies widening, narrowing and incompatible changes', () => {
    expect(change('varchar(50)', 'varchar(200)')).toBe('widen')
    expect(change('varchar(200)', 'text')).toBe('widen')
    expect(change('varchar(200)', 'varchar(50)')).toBe('narrow')
    expect(change('text', 'varchar(50)')).toBe('narrow')
    expect(change('integer', 'bigint')).toBe('widen')
    expect(change('bigint', 'integer')).toBe('narrow')
    expect(change('integer', 'numeric(12,2)')).toBe('widen')
    expect(change('numeric(10,2)', 'numeric(14,2)')).toBe('widen')
    expect(change('numeric(10,2)', 'numeric(12,4)')).toBe('widen')
    expect(change('numeric(14,4)', 'numeric(14,2)')).toBe('narrow')
    expect(change('numeric(14,2)', 'numeric(10,2)')).toBe('narrow')
    expect(change('numeric(14,2)', 'numeric')).toBe('widen')
    expect(change('text', 'integer')).toBe('incompatible')
    expect(change('jsonb', 'text')).toBe('incompatible')
    expect(change('timestamptz', 'timestamp with time zone')).toBe('same')
  })
})

describe('sql helpers', () => {
  it('names objects deterministically within 63 characters', () => {
    expect(objectName('orders', 'status', 'check_enum')).toBe('orders_status_check_enum')
    const long = objectName(
      'warehouse_replenishment_suggestions',
      'preferredSupplierContactEmail',
      'check_minlen',
    )
    expect(long).toHaveLength(63)
    expect(long).toBe(
      objectName('warehouse_replenishment_suggestions', 'preferredSupplierContactEmail', 'check_minlen'),
    )
    expect(long).not.toBe(
      objectName('warehouse_replenishment_suggestions', 'preferredSupplierContactEmail', 'check_min'),
    )
  })

  it('writes literals knex will not mistake for placeholders', () => {
    expect(literal("it's")).toBe("'it''s'")
    expect(literal('why?')).toBe("U&'why\\003F'")
    expect(literal('a\\b')).toBe("U&'a\\005Cb'")
    expect(literal(1.5)).toBe('1.5')
    expect(literal(false)).toBe('false')
    expect(withoutPlaceholders("'why? \\o/'::text")).toBe("U&'why\\003F \\005Co/'::text")
    expect(withoutPlaceholders('\'{"a": 1}\'::jsonb')).toBe('\'{"a": 1}\'::jsonb')
    expect(withoutPlaceholders('a ? b')).toBeUndefined()
  })
})

describe('definition hash', () => {
  it('ignores labels and field order but not column-shaping changes', () => {
    const a = entity('customer', [field('name'), field('email', { column: 'varchar(200)' })])
    const reordered = {
      ...a,
      fieldOrder: [...a.fieldOrder].reverse(),
      ui: { label: { en: 'Client', 'zh-CN': '客户' } },
    }
    expect(definitionHash(reordered)).toBe(definitionHash(a))
    const widened = entity('customer', [field('name'), field('email', { column: 'varchar(300)' })])
    expect(definitionHash(widened)).not.toBe(definitionHash(a))
  })
})
