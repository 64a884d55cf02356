import { describe, expect, it } from 'vitest'
import { diffLines, emptyForm, errorTarget, fromRule, toRule, type PermissionRuleJson } from '../model'

const kinds = (f: string) => (f === 'warehouseId' ? ('integer' as const) : ('string' as const))

describe('rule form model', () => {
  it('writes who, what, rows and fields as a rule, and reads it back', () => {
    const form = {
      ...emptyForm(),
      name: 'own-vehicles',
      entities: ['vehicle'],
      actions: ['find', 'get'],
      roles: ['warehouse'],
      hidden: ['vin'],
    }
    form.rows = [
      { field: 'warehouseId', op: '$eq', kind: 'fact', value: '', fact: 'user.attributes.warehouseId' },
    ]
    const rule = toRule(form, kinds)
    expect(rule).toEqual({
      name: 'own-vehicles',
      effect: 'allow',
      entities: ['vehicle'],
      actions: ['find', 'get'],
      conditions: { all: [{ fact: 'user', path: '$.roles', operator: 'contains', value: 'warehouse' }] },
      row: { warehouseId: { $fact: 'user.attributes.warehouseId' } },
      fields: { hidden: ['vin'] },
    })
    expect(toRule(fromRule(rule), kinds)).toEqual(rule)
  })

  it('types values by field, joins any-rows with $or, several roles with any', () => {
    const form = {
      ...emptyForm(),
      name: 'x',
      entities: ['vehicle'],
      actions: ['find'],
      roles: ['a', 'b'],
      rowJoin: 'any' as const,
    }
    form.rows = [
      { field: 'warehouseId', op: '$in', kind: 'value', value: '1,2', fact: '' },
      { field: 'status', op: '$ne', kind: 'value', value: 'retired', fact: '' },
    ]
    const rule = toRule(form, kinds)
    expect(rule.row).toEqual({ $or: [{ warehouseId: { $in: [1, 2] } }, { status: { $ne: 'retired' } }] })
    expect(rule.conditions).toEqual({
      all: [
        {
          any: [
            { fact: 'user', path: '$.roles', operator: 'contains', value: 'a' },
            { fact: 'user', path: '$.roles', operator: 'contains', value: 'b' },
          ],
        },
      ],
    })
    expect(toRule(fromRule(rule), kinds)).toEqual(rule)
  })

  it('keeps what the form cannot show, and a rule for everyone signed in', () => {
    const odd: PermissionRuleJson = {
      name: 'odd',
      effect: 'allow',
      entities: ['order'],
      actions: ['get'],
      conditions: { not: { fact: 'user', path: '$.roles', operator: 'contains', value: 'x' } },
      row: { $or: [{ a: 1, b: 2 }] },
    }
    const f = fromRule(odd)
    expect(f.advanced).toEqual({ conditions: odd.conditions, row: odd.row })
    expect(toRule(f)).toEqual(odd)
    expect(toRule({ ...emptyForm(), name: 'all', entities: ['x'], actions: ['find'] }).conditions).toEqual({
      all: [{ fact: 'user', path: '$.id', operator: 'greaterThan', value: 0 }],
    })
  })

  it('puts errors on the field they name and diffs definitions', () => {
    expect(errorTarget('/row/nope')).toBe('row')
    expect(errorTarget('/actions/1')).toBe('actions')
    expect(errorTarget('/fields/readOnly/0')).toBe('readOnly')
    expect(errorTarget('/definition/conditions/all/0/path')).toBe('who')
    expect(diffLines({ a: 1, b: 2 }, { a: 1, b: 3 }).filter((l) => l.sign !== ' ')).toEqual([
      { sign: '-', text: '  "b": 2' },
      { sign: '+', text: '  "b": 3' },
    ])
  })
})
