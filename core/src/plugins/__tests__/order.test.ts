import { describe, expect, it } from 'vitest'
import { dependentsOf, orderPlugins, PluginDependencyError } from '../order.js'

const p = (name: string, ...dependsOn: string[]) => ({ name, dependsOn })
const names = (list: Array<{ name: string }>) => list.map((x) => x.name)

describe('orderPlugins', () => {
  it('puts dependencies first and keeps the given order otherwise', () => {
    const ordered = orderPlugins([
      p('orders', 'inventory', 'crm'),
      p('crm'),
      p('inventory', 'crm'),
      p('notes'),
    ])
    expect(names(ordered)).toEqual(['crm', 'inventory', 'orders', 'notes'])
  })

  it('handles diamonds once', () => {
    expect(names(orderPlugins([p('d', 'b', 'c'), p('b', 'a'), p('c', 'a'), p('a')]))).toEqual([
      'a',
      'b',
      'c',
      'd',
    ])
  })

  it('names a cycle', () => {
    expect(() => orderPlugins([p('a', 'b'), p('b', 'a')])).toThrow('Plugin cycle: a → b → a')
    expect(() => orderPlugins([p('x'), p('a', 'b'), p('b', 'c'), p('c', 'b')])).toThrow(
      'Plugin cycle: b → c → b',
    )
    expect(() => orderPlugins([p('self', 'self')])).toThrow(PluginDependencyError)
  })

  it('names a missing dependency', () => {
    expect(() => orderPlugins([p('orders', 'inventory')])).toThrow(
      'Plugin "orders" depends on "inventory", which is not installed',
    )
  })

  it('is empty for no plugins', () => {
    expect(orderPlugins([])).toEqual([])
  })
})

describe('dependentsOf', () => {
  it('finds direct and indirect dependents in order', () => {
    const ordered = orderPlugins([p('crm'), p('inventory', 'crm'), p('orders', 'inventory'), p('notes')])
    expect(names(dependentsOf(ordered, 'crm'))).toEqual(['inventory', 'orders'])
    expect(names(dependentsOf(ordered, 'notes'))).toEqual([])
  })
})
