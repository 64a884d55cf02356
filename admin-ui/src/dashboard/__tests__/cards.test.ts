import { describe, expect, it } from 'vitest'
import type { DashboardCard } from '../../types/meta'
import { measureFields, rowCents } from '../measure'

// the cards the built-in plugins ship (`plugins/<name>/admin/cards.json`; api/meta serves them)
const files = import.meta.glob<DashboardCard[]>('../../../../plugins/*/admin/cards.json', {
  eager: true,
  import: 'default',
})
const shipped = Object.values(files).flat()
const SOLD = ['submitted', 'approved', 'shipped', 'delivered', 'closed']

describe('dashboard cards speak of sales with the named measures', () => {
  it('net sales of an order row is total − tax, exactly', () => {
    const net = { op: 'sum', field: 'total', minus: 'taxTotal' } as const
    expect(rowCents(net, { id: 1, total: '113.00', taxTotal: '13.00' })).toBe(10000n)
    expect(rowCents(net, { id: 2, total: '0.30', taxTotal: '0.10' })).toBe(20n)
    expect(rowCents({ op: 'sum', field: 'lineTotal' }, { id: 3, lineTotal: '93.24' })).toBe(9324n)
    expect(rowCents({ op: 'count' }, { id: 4 })).toBe(100n)
  })

  it('every card about sales names its measure and computes it as the reports do', () => {
    const sales = shipped.filter((c) => /sales|销售/i.test(`${c.title.en} ${c.title['zh-CN']}`))
    expect(sales.map((c) => c.id).sort()).toEqual([
      'sales-month',
      'sales-trend',
      'top-partners',
      'top-products',
    ])
    for (const c of sales) {
      expect(c.measure?.name, c.id).toBe('netSales')
      expect(c.title.en, c.id).toMatch(/Net sales/i)
      expect(c.title['zh-CN'], c.id).toContain('销售净额')
      // orders: Σ total − Σ taxTotal (as sales-by-period); lines: Σ lineTotal (as sales-by-product)
      expect(measureFields(c), c.id).toEqual(c.entity === 'order' ? ['total', 'taxTotal'] : ['lineTotal'])
      expect(c.where, c.id).toEqual({ status: { $in: SOLD } })
      expect(c.dateField, c.id).toBe('orderDate')
    }
    // no card says "Sales" alone, which read as gross on one card and net on another
    expect(shipped.some((c) => c.title.en === 'Sales' || c.title['zh-CN'] === '销售额')).toBe(false)
  })
})
