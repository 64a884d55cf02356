/**
 * `x-refs` in an extension: the plugin that owns the referred entity adds the reference (the
 * foreign key) to a field another plugin's entity already has — orders on
 * `stockMovement.orderId`, marketing on `orderLine.promotionId`.
 */
import { describe, expect, it } from 'vitest'
import { buildEntities } from '../registry.js'
import { entityFile, label, src } from './fixtures.js'

const movement = (orderId: Record<string, unknown> = { type: ['integer', 'null'] }) =>
  src('movement', entityFile('movement', {}, { orderId: { ...orderId, 'x-ui': label('Order', '订单') } }))
const order = src('order', entityFile('order'))
const ext = (refs: Record<string, unknown>, relations?: Record<string, unknown>) => ({
  source: 'plugins/orders/entities/movement-orders.json',
  raw: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    'x-extends': 'movement',
    'x-refs': refs,
    ...(relations ? { 'x-relations': relations } : {}),
  },
})

describe('x-refs: an extension adds a reference to an existing field', () => {
  it('the field becomes a reference, and a belongsTo relation over it is accepted', () => {
    const { entities, errors } = buildEntities([
      movement(),
      order,
      ext(
        { orderId: { entity: 'order', onDelete: 'set null' } },
        { order: { kind: 'belongsTo', entity: 'order', field: 'orderId' } },
      ),
    ])
    expect(errors).toEqual([])
    expect(entities.get('movement')?.fields.orderId?.ref).toEqual({ entity: 'order', onDelete: 'set null' })
  })

  it('without the extension the field is a plain integer', () => {
    const { entities, errors } = buildEntities([movement()])
    expect(errors).toEqual([])
    expect(entities.get('movement')?.fields.orderId?.ref).toBeUndefined()
  })

  it.each([
    [
      'an unknown field',
      { other: { entity: 'order' } },
      movement(),
      'x-refs: property "other" of entity "movement" does not exist',
      '/x-refs/other',
    ],
    [
      'a field that already refers',
      { orderId: { entity: 'order' } },
      movement({ type: 'integer', 'x-ref': { entity: 'order' } }),
      'already refers to "order"',
      '/x-refs/orderId',
    ],
    [
      'a field that is not an integer',
      { orderId: { entity: 'order' } },
      movement({ type: 'string', maxLength: 9 }),
      'must be an integer',
      '/x-refs/orderId',
    ],
    [
      '"set null" on a field that cannot be null',
      { orderId: { entity: 'order', onDelete: 'set null' } },
      movement({ type: 'integer' }),
      'must be nullable',
      '/x-refs/orderId',
    ],
    [
      'an unknown entity',
      { orderId: { entity: 'nothing' } },
      movement(),
      'x-ref names unknown entity "nothing"',
      '/x-refs/orderId/entity',
    ],
  ])('refuses %s, naming the extension file', (_what, refs, base, message, path) => {
    const { errors } = buildEntities([base, order, ext(refs)])
    expect(errors).toEqual([
      expect.objectContaining({
        source: 'plugins/orders/entities/movement-orders.json',
        path,
        message: expect.stringContaining(message),
      }),
    ])
  })

  it('refuses an x-refs entry that is not a reference (metaschema)', () => {
    const { errors } = buildEntities([
      movement(),
      order,
      ext({ orderId: { entity: 'order', cascade: true } }),
    ])
    expect(errors.length).toBeGreaterThan(0)
    expect(errors.every((e) => e.source === 'plugins/orders/entities/movement-orders.json')).toBe(true)
  })
})
