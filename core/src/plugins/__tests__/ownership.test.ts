import { describe, expect, it } from 'vitest'
import { assertOwnedReferences } from '../ownership.js'

const entity = (name: string, refs: Record<string, string> = {}, relations: Record<string, string> = {}) => ({
  source: `plugins/x/entities/${name}.json`,
  raw: {
    'x-entity': { name },
    properties: Object.fromEntries(
      Object.entries(refs).map(([f, e]) => [f, { type: 'integer', 'x-ref': { entity: e } }]),
    ),
    'x-relations': Object.fromEntries(
      Object.entries(relations).map(([r, e]) => [r, { kind: 'hasMany', entity: e, field: 'x' }]),
    ),
  },
})
const plugin = (
  name: string,
  dependsOn: string[],
  sources: Array<ReturnType<typeof entity> | { source: string; raw: unknown }>,
) => ({
  name,
  dependsOn,
  entitySources: sources,
  owns: sources.flatMap((s) =>
    (s.raw as { 'x-entity'?: { name: string } })['x-entity']
      ? [(s.raw as { 'x-entity': { name: string } })['x-entity'].name]
      : [],
  ),
})

describe('a plugin refers only to entities of plugins it depends on', () => {
  const orders = plugin('orders', [], [entity('order')])
  const crm = plugin('crm', [], [entity('customer')])

  it('refuses an x-ref to an entity of a plugin not in dependsOn, naming file, field and plugin', () => {
    const service = plugin(
      'service',
      ['crm'],
      [entity('ticket', { orderId: 'order', customerId: 'customer' })],
    )
    expect(() => assertOwnedReferences([orders, crm, service])).toThrow(
      'plugins/x/entities/ticket.json properties/orderId: refers to entity "order" of plugin "orders", which plugin "service" does not list in dependsOn',
    )
  })

  it("refuses relations and extensions of another plugin's entities too", () => {
    const rel = plugin('service', [], [entity('ticket', {}, { orders: 'order' })])
    expect(() => assertOwnedReferences([orders, rel])).toThrow(
      /x-relations\/orders: refers to entity "order"/,
    )
    const ext = plugin(
      'service',
      [],
      [{ source: 'plugins/x/entities/order-tickets.json', raw: { 'x-extends': 'order' } }],
    )
    expect(() => assertOwnedReferences([orders, ext])).toThrow(
      /order-tickets.json x-extends: refers to entity "order"/,
    )
  })

  it('refuses a reference added through x-refs to an entity of a plugin not in dependsOn', () => {
    const inventory = plugin('inventory', [], [entity('stockMovement')])
    const refs = {
      source: 'plugins/x/entities/stockMovement-orders.json',
      raw: { 'x-extends': 'stockMovement', 'x-refs': { orderId: { entity: 'order' } } },
    }
    expect(() => assertOwnedReferences([orders, inventory, plugin('stray', ['inventory'], [refs])])).toThrow(
      /stockMovement-orders.json x-refs\/orderId: refers to entity "order" of plugin "orders"/,
    )
    expect(() =>
      assertOwnedReferences([orders, inventory, plugin('ordersToo', ['orders', 'inventory'], [refs])]),
    ).not.toThrow()
  })

  it('accepts references to its own entities, core entities and plugins it depends on, directly or not', () => {
    const finance = plugin('finance', ['orders'], [entity('invoice', { orderId: 'order', userId: 'user' })])
    const risk = plugin(
      'risk',
      ['finance'],
      [entity('creditHold', { orderId: 'order', invoiceId: 'invoice', holdId: 'creditHold' })],
    )
    expect(() => assertOwnedReferences([orders, finance, risk])).not.toThrow()
  })
})
