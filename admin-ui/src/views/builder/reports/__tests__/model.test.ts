import { describe, expect, it } from 'vitest'
import type { EntityMeta } from '../../../../types/meta'
import {
  chartFor,
  dimKey,
  emptyReport,
  fieldChoices,
  fromDefinition,
  measureKey,
  toDefinition,
} from '../model'

const form = () => ({
  ...emptyReport(),
  code: 'orders-by-status',
  nameEn: 'Orders by status',
  nameZh: '按状态的订单',
  entity: 'order',
})

describe('report designer model', () => {
  it('turns the form into a definition: dimensions, periods, relation titles, measures, filters, sort, limit, chart', () => {
    const d = toDefinition(
      {
        ...form(),
        dims: [
          { field: 'status', period: '' },
          { field: 'orderDate', period: 'month' },
          { field: 'partner.name', period: '' },
        ],
        measures: [
          { fn: 'count', field: '' },
          { fn: 'sum', field: 'total' },
        ],
        filters: [{ field: 'status', op: '$ne', kind: 'value', value: 'draft', fact: '' }],
        sortBy: 'sumTotal',
        sortDir: -1,
        limit: 10,
        chart: 'pie',
      },
      () => 'string',
    )
    expect(d).toEqual({
      code: 'orders-by-status',
      name: 'Orders by status',
      label: { en: 'Orders by status', 'zh-CN': '按状态的订单' },
      entity: 'order',
      dimensions: ['status', 'orderDate:month', { field: 'partner.name', as: 'partnerName' }],
      measures: [
        { fn: 'count', as: 'count' },
        { fn: 'sum', field: 'total', as: 'sumTotal' },
      ],
      filters: { status: { $ne: 'draft' }, $sort: { sumTotal: -1 }, $limit: 10 },
      periodGrouping: 'none',
      chart: 'pie',
    })
  })

  it('reads a stored definition back into the same form, keeping what it cannot show', () => {
    const f = {
      ...form(),
      dims: [{ field: 'orderDate', period: 'quarter' as const }],
      measures: [{ fn: 'avg' as const, field: 'total' }],
      filterJoin: 'any' as const,
      filters: [
        { field: 'status', op: '$eq' as const, kind: 'value' as const, value: 'approved', fact: '' },
        { field: 'partnerId', op: '$in' as const, kind: 'value' as const, value: '1,2', fact: '' },
      ],
      chart: 'line' as const,
    }
    const kind = (field: string) => (field === 'partnerId' ? ('integer' as const) : ('string' as const))
    const d = toDefinition(f, kind)
    expect(d.filters).toEqual({ $or: [{ status: 'approved' }, { partnerId: { $in: [1, 2] } }] })
    expect(fromDefinition(d)).toEqual(f)
    const formula = { formula: 'count * 2', as: 'twice' }
    const back = fromDefinition({ ...d, measures: [...(d.measures as unknown[]), formula] })
    expect(back.kept).toEqual({ measures: [formula] })
    expect(toDefinition(back, kind).measures).toEqual([...(d.measures as unknown[]), formula])
  })

  it('names columns as the server keys them', () => {
    expect(dimKey({ field: 'orderDate', period: 'week' })).toBe('orderDate:week')
    expect(dimKey({ field: 'product.category.name', period: '' })).toBe('productCategoryName')
    expect(measureKey({ fn: 'max', field: 'lineTotal' })).toBe('maxLineTotal')
  })

  it('offers fields by use: dimensions, dates with periods, numbers and money to measure, relation titles', () => {
    const f = (name: string, extra: Record<string, unknown>) => ({ name, ui: {}, ...extra })
    const order = {
      name: 'order',
      fields: {
        id: f('id', { type: 'integer' }),
        status: f('status', { type: 'string', enum: ['draft'] }),
        orderDate: f('orderDate', { type: 'string', format: 'date' }),
        total: f('total', { type: 'string', xType: 'money' }),
        partnerId: f('partnerId', { type: 'integer', ref: { entity: 'partner' } }),
        meta: f('meta', { type: 'object', xType: 'json' }),
        secret: f('secret', { type: 'string', sensitive: true }),
      },
      relations: { partner: { name: 'partner', kind: 'belongsTo', entity: 'partner', field: 'partnerId' } },
      ui: { label: { en: 'Order', 'zh-CN': '订单' } },
    } as unknown as EntityMeta
    const partner = {
      name: 'partner',
      fields: {},
      relations: {},
      ui: { titleField: 'name' },
    } as unknown as EntityMeta
    const c = fieldChoices(order, new Map([['partner', partner]]))
    expect(c.dates).toEqual(['orderDate'])
    expect(c.numbers).toEqual(['total'])
    expect(c.dimensions).toEqual(['status', 'orderDate', 'partnerId', 'partner.name'])
    expect(c.filters).not.toContain('secret')
    expect(c.filters).not.toContain('meta')
  })

  it('draws a result as bars, lines or a pie; a table draws nothing', () => {
    const run = {
      columns: [
        { key: 'orderDate:month', kind: 'dimension' as const, type: 'period' },
        { key: 'sumTotal', kind: 'measure' as const, type: 'decimal' },
      ],
      rows: [
        { 'orderDate:month': '2026-02', sumTotal: '20.50' },
        { 'orderDate:month': '2026-01', sumTotal: '10.25' },
      ],
      truncated: false,
    }
    const bar = chartFor('bar', run, (c) => c.key) as {
      xAxis: { data: string[] }
      series: Array<{ type: string; data: number[] }>
    }
    expect(bar.xAxis.data).toEqual(['2026-01', '2026-02'])
    expect(bar.series[0]).toMatchObject({ type: 'bar', data: [10.25, 20.5] })
    const pie = chartFor('pie', run, (c) => c.key) as { series: Array<{ data: unknown[] }> }
    expect(pie.series[0]!.data).toEqual([
      { name: '2026-01', value: 10.25 },
      { name: '2026-02', value: 20.5 },
    ])
    expect(chartFor('table', run, (c) => c.key)).toBeUndefined()
  })
})
