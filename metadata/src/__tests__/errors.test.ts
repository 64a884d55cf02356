import { describe, expect, it } from 'vitest'
import { buildEntities } from '../registry.js'
import type { DefinitionError } from '../types.js'
import { entityFile, label, pair, src } from './fixtures.js'

function errorsOf(sources: Parameters<typeof buildEntities>[0]): DefinitionError[] {
  return buildEntities(sources).errors
}

/** Exactly one error, at `path` in `source`, whose message matches. */
function expectOnly(errors: DefinitionError[], source: string, path: string, message: RegExp): void {
  expect(errors).toHaveLength(1)
  expect(errors[0]).toMatchObject({ source, path })
  expect(errors[0]?.message).toMatch(message)
}

const C = 'entities/test/customer.json'

describe('bad definitions are rejected with source, path and message', () => {
  it('the fixtures themselves are valid', () => {
    expect(errorsOf(pair())).toEqual([])
  })

  it('unknown type', () => {
    expectOnly(
      errorsOf(pair({}, { age: { type: 'strng' } })),
      C,
      '/properties/age/type',
      /unknown type "strng" \(allowed: string, integer/,
    )
  })

  it('an enum label for a value the enum does not have', () => {
    const text = (en: string, zh: string) => ({ en, 'zh-CN': zh })
    const status = {
      type: 'string',
      enum: ['active', 'blocked'],
      'x-ui': {
        ...label('Status', '状态'),
        enumLabels: { active: text('Active', '活跃'), blokced: text('Blocked', '停用') },
      },
    }
    expectOnly(
      errorsOf(pair({}, { status })),
      C,
      '/properties/status/x-ui/enumLabels/blokced',
      /not one of the enum values/,
    )
  })

  it('two non-null types', () => {
    expectOnly(
      errorsOf(pair({}, { age: { type: ['string', 'integer'] } })),
      C,
      '/properties/age/type',
      /exactly one type besides "null"/,
    )
  })

  it('unknown x- keyword on a property, listing the allowed ones', () => {
    expectOnly(
      errorsOf(pair({}, { age: { type: 'integer', 'x-colour': 'red' } })),
      C,
      '/properties/age/x-colour',
      /unknown keyword "x-colour" \(allowed: x-type, x-ref/,
    )
  })

  it('unknown standard keyword on a property and at the top level', () => {
    const errors = errorsOf(pair({ 'x-plugin': true }, { age: { type: 'integer', multipleOf: 2 } }))
    expect(errors.map((e) => e.path).sort()).toEqual(['/properties/age/multipleOf', '/x-plugin'])
    expect(errors.every((e) => e.message.startsWith('unknown keyword'))).toBe(true)
  })

  it('x-ref to a missing entity', () => {
    const sources = [
      src(
        'customer',
        entityFile('customer', {}, { partnerId: { type: 'integer', 'x-ref': { entity: 'partner' } } }),
      ),
    ]
    expectOnly(
      errorsOf(sources),
      C,
      '/properties/partnerId/x-ref/entity',
      /x-ref names unknown entity "partner"/,
    )
  })

  it('relation to a missing entity', () => {
    const errors = errorsOf(
      pair({ 'x-relations': { orders: { kind: 'hasMany', entity: 'order', field: 'customerId' } } }),
    )
    expectOnly(errors, C, '/x-relations/orders/entity', /relation "orders" names unknown entity "order"/)
  })

  it('belongsTo relation on a field that does not exist', () => {
    const errors = errorsOf(
      pair({ 'x-relations': { partner: { kind: 'belongsTo', entity: 'partner', field: 'partnerID' } } }),
    )
    expectOnly(
      errors,
      C,
      '/x-relations/partner/field',
      /field "partnerID" does not exist on entity "customer"/,
    )
  })

  it('hasMany relation whose field is missing on the other entity', () => {
    const sources = [
      src(
        'partner',
        entityFile('partner', {
          'x-relations': { customers: { kind: 'hasMany', entity: 'customer', field: 'partner' } },
        }),
      ),
      pair()[1]!,
    ]
    expectOnly(
      errorsOf(sources),
      'entities/test/partner.json',
      '/x-relations/customers/field',
      /field "partner" does not exist on entity "customer"/,
    )
  })

  it('belongsTo relation whose field refers to another entity', () => {
    const errors = errorsOf(
      pair({ 'x-relations': { owner: { kind: 'belongsTo', entity: 'customer', field: 'partnerId' } } }),
    )
    expectOnly(errors, C, '/x-relations/owner/field', /refers to "partner", not "customer"/)
  })

  it('duplicate route (plural)', () => {
    const other = entityFile('client')
    ;(other['x-entity'] as Record<string, unknown>).plural = 'customers'
    const errors = errorsOf([...pair(), src('client', other)])
    expectOnly(
      errors,
      'entities/test/client.json',
      '/x-entity/plural',
      /plural \(route\) "customers" is already used by entity "customer" in entities\/test\/customer.json/,
    )
  })

  it('duplicate table', () => {
    const other = entityFile('client')
    ;(other['x-entity'] as Record<string, unknown>).table = 'customers'
    const errors = errorsOf([...pair(), src('client', other)])
    expectOnly(
      errors,
      'entities/test/client.json',
      '/x-entity/table',
      /table "customers" is already used by entity "customer"/,
    )
  })

  it('duplicate entity name', () => {
    const errors = errorsOf([...pair(), { source: 'plugins/x/customer.json', raw: entityFile('customer') }])
    expectOnly(
      errors,
      'plugins/x/customer.json',
      '/x-entity/name',
      /entity "customer" is already defined in entities\/test\/customer.json/,
    )
  })

  it('index on an unknown field (server-managed fields are known)', () => {
    const errors = errorsOf(
      pair({ 'x-indexes': [{ fields: ['createdAt'] }, { fields: ['partnerId', 'stat'] }] }),
    )
    expectOnly(errors, C, '/x-indexes/1/fields/1', /index names unknown field "stat"/)
  })

  it('reserved field declared', () => {
    expectOnly(
      errorsOf(pair({}, { createdAt: { type: 'string', format: 'date-time' } })),
      C,
      '/properties/createdAt',
      /"createdAt" is reserved/,
    )
  })

  it('money declared as a number', () => {
    expectOnly(
      errorsOf(pair({}, { total: { type: 'number', 'x-type': 'money' } })),
      C,
      '/properties/total/type',
      /money must be a decimal string/,
    )
  })

  it('minimum on money (a string) is refused with a hint', () => {
    expectOnly(
      errorsOf(pair({}, { total: { type: 'string', 'x-type': 'money', minimum: 0 } })),
      C,
      '/properties/total/minimum',
      /numbers only; restrict money with a pattern/,
    )
  })

  it('missing zh-CN label on a property', () => {
    const errors = errorsOf(pair({}, { age: { type: 'integer', 'x-ui': { label: { en: 'Age' } } } }))
    expectOnly(
      errors,
      C,
      '/properties/age/x-ui/label/zh-CN',
      /label must have both "en" and "zh-CN" texts: missing "zh-CN"/,
    )
  })

  it('missing zh-CN text for an enum value label', () => {
    const status = {
      type: 'string',
      enum: ['new', 'done'],
      'x-ui': {
        ...label('Status', '状态'),
        enumLabels: { new: { en: 'New', 'zh-CN': '新建' }, done: { en: 'Done' } },
      },
    }
    expectOnly(
      errorsOf(pair({}, { status })),
      C,
      '/properties/status/x-ui/enumLabels/done/zh-CN',
      /done must have both "en" and "zh-CN" texts: missing "zh-CN"/,
    )
  })

  it('missing entity label', () => {
    const errors = errorsOf(pair({ 'x-ui': { icon: 'user' } }))
    expectOnly(errors, C, '/x-ui/label', /missing required "label"/)
  })

  it('extension of a missing entity', () => {
    const ext = {
      source: 'plugins/loyalty/entities/member.json',
      raw: { 'x-extends': 'member', properties: { points: { type: 'integer' } } },
    }
    expectOnly(
      errorsOf([...pair(), ext]),
      ext.source,
      '/x-extends',
      /x-extends names unknown entity "member"/,
    )
  })

  it('extension redefining an existing property', () => {
    const ext = {
      source: 'plugins/loyalty/entities/customer.json',
      raw: { 'x-extends': 'customer', properties: { name: { type: 'string' } } },
    }
    expectOnly(
      errorsOf([...pair(), ext]),
      ext.source,
      '/properties/name',
      /property "name" already exists on entity "customer" \(defined in entities\/test\/customer.json\)/,
    )
  })

  it('errors inside an extension name the extension file', () => {
    const ext = {
      source: 'plugins/loyalty/entities/customer.json',
      raw: {
        'x-extends': 'customer',
        properties: { tierId: { type: 'integer', 'x-ref': { entity: 'loyaltyTier' } } },
        'x-indexes': [{ fields: ['tier'] }],
      },
    }
    const errors = errorsOf([...pair(), ext])
    expect(errors).toEqual([
      {
        source: ext.source,
        path: '/x-indexes/0/fields/0',
        message: 'index names unknown field "tier" on entity "customer"',
      },
      {
        source: ext.source,
        path: '/properties/tierId/x-ref/entity',
        message: 'x-ref names unknown entity "loyaltyTier"',
      },
    ])
  })

  it('required naming an unknown property', () => {
    expectOnly(
      errorsOf(pair({ required: ['name', 'code'] })),
      C,
      '/required/1',
      /required names unknown property "code"/,
    )
  })

  it('default not in the enum', () => {
    const errors = errorsOf(
      pair({}, { status: { type: 'string', enum: ['active', 'blocked'], default: 'archived' } }),
    )
    expectOnly(
      errors,
      C,
      '/properties/status/default',
      /default "archived" is not one of the enum values: active, blocked/,
    )
  })

  it('default of the wrong type, and an invalid money default', () => {
    const errors = errorsOf(
      pair(
        {},
        { n: { type: 'integer', default: '1' }, m: { type: 'string', 'x-type': 'money', default: '1.234' } },
      ),
    )
    expect(errors.map((e) => [e.path, e.message])).toEqual([
      ['/properties/n/default', 'default "1" is not a integer'],
      ['/properties/m/default', 'default "1.234" is not a valid money amount (e.g. "0.00")'],
    ])
  })

  it('listColumns, searchFields and titleField naming unknown fields', () => {
    const errors = errorsOf(
      pair({
        'x-ui': {
          ...label('Customer', '客户'),
          listColumns: ['name', 'nme'],
          searchFields: ['code'],
          titleField: 'title',
        },
      }),
    )
    expect(errors.map((e) => [e.source, e.path, e.message])).toEqual([
      [C, '/x-ui/listColumns/1', 'listColumns names unknown field "nme"'],
      [C, '/x-ui/searchFields/0', 'searchFields names unknown field "code"'],
      [C, '/x-ui/titleField', 'titleField names unknown field "title"'],
    ])
  })

  it('x-column outside the whitelist', () => {
    const errors = errorsOf(pair({}, { age: { type: 'integer', 'x-column': 'integer; drop table users' } }))
    expectOnly(errors, C, '/properties/age/x-column', /is not an allowed SQL type/)
  })

  it('onDelete "set null" on a non-nullable field', () => {
    const errors = errorsOf(
      pair({}, { partnerId: { type: 'integer', 'x-ref': { entity: 'partner', onDelete: 'set null' } } }),
    )
    expectOnly(errors, C, '/properties/partnerId/x-ref/onDelete', /needs a nullable field/)
  })

  it('x-ref on a string field', () => {
    expectOnly(
      errorsOf(pair({}, { partnerCode: { type: 'string', 'x-ref': { entity: 'partner' } } })),
      C,
      '/properties/partnerCode/type',
      /x-ref field must be an integer/,
    )
  })

  it('an invalid regular expression', () => {
    expectOnly(
      errorsOf(pair({}, { code: { type: 'string', pattern: '^[A-Z' } })),
      C,
      '/properties/code/pattern',
      /not a valid regular expression/,
    )
  })

  it('a property name that is not camelCase', () => {
    expectOnly(
      errorsOf(pair({}, { credit_limit: { type: 'integer' } })),
      C,
      '/properties/credit_limit',
      /names are camelCase/,
    )
  })

  it('a file that is not an object', () => {
    expectOnly(errorsOf([src('x', [1, 2])]), 'entities/test/x.json', '', /must contain one JSON object/)
  })

  it('a broken entity file does not cascade into "unknown entity" errors elsewhere', () => {
    const broken = entityFile('partner', { 'x-ui': {} })
    const errors = errorsOf([src('partner', broken), pair()[1]!])
    expectOnly(errors, 'entities/test/partner.json', '/x-ui/label', /missing required "label"/)
  })

  it('reports every problem in one run', () => {
    const errors = errorsOf(
      pair({ bogus: 1 }, { a: { type: 'strng' }, b: { type: 'number', 'x-type': 'money' } }),
    )
    expect(errors.map((e) => e.path)).toEqual(['/bogus', '/properties/a/type', '/properties/b/type'])
  })
})
