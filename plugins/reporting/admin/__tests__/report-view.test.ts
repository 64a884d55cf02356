import { describe, expect, it } from 'vitest'
import { chartOption, columnTitle, reportName, runQuery, scheduleKey, type ReportRun } from '../report-view'

const run: ReportRun = {
  report: { code: 'sales-by-period', name: 'Sales by period' },
  available: true,
  truncated: false,
  generatedAt: '2026-03-01T00:00:00.000Z',
  columns: [
    {
      key: 'orderDate:month',
      kind: 'dimension',
      type: 'period',
      field: 'orderDate',
      label: { en: 'Month', 'zh-CN': '月份' },
    },
    { key: 'orders', kind: 'measure', type: 'integer' },
    { key: 'netSales', kind: 'measure', type: 'decimal', label: { en: 'Net sales', 'zh-CN': '销售净额' } },
  ],
  rows: [
    { 'orderDate:month': '2026-02', orders: 2, netSales: '20.50' },
    { 'orderDate:month': '2026-01', orders: 1, netSales: '10.00' },
  ],
}

describe('report runner helpers', () => {
  it('names a report and its columns in the user language, falling back to the name, field label, key', () => {
    expect(reportName({ name: 'Sales', label: { en: 'Sales', 'zh-CN': '销售' } }, 'zh-CN')).toBe('销售')
    expect(reportName({ name: 'Mine', label: null }, 'zh-CN')).toBe('Mine')
    expect(columnTitle(run.columns[0]!, 'zh-CN')).toBe('月份')
    expect(
      columnTitle({ key: 'status', kind: 'dimension', type: 'text', field: 'status' }, 'en', (f) =>
        f === 'status' ? 'Status' : undefined,
      ),
    ).toBe('Status')
    expect(columnTitle(run.columns[1]!, 'en')).toBe('orders')
  })

  it('builds the run query, leaving empty values out and sending filters as JSON', () => {
    expect(
      runQuery({
        range: ['2026-01-01', '2026-03-31'],
        period: 'month',
        asOf: '',
        days: null,
        filters: { partnerId: 4, warehouseId: null },
      }),
    ).toEqual({ from: '2026-01-01', to: '2026-03-31', period: 'month', filters: '{"partnerId":4}' })
    expect(runQuery({ range: null, period: '', asOf: '2026-03-15', days: 30, filters: {} })).toEqual({
      asOf: '2026-03-15',
      days: '30',
    })
  })

  it('draws a period report as a line of net sales in period order', () => {
    const o = chartOption(run, (c) => columnTitle(c, 'en')) as {
      xAxis: { data: string[] }
      series: Array<{ type: string; data: number[]; name: string }>
    }
    expect(o.xAxis.data).toEqual(['2026-01', '2026-02'])
    expect(o.series[0]).toMatchObject({ type: 'line', data: [10, 20.5], name: 'Net sales' })
  })

  it('draws other reports as bars of the named dimension; nothing to draw without rows', () => {
    const byPartner: ReportRun = {
      ...run,
      columns: [
        { key: 'partnerId', kind: 'dimension', type: 'integer', field: 'partnerId' },
        { key: 'partnerName', kind: 'dimension', type: 'text', field: 'partner.name' },
        { key: 'netSales', kind: 'measure', type: 'decimal' },
      ],
      rows: [
        { partnerId: 1, partnerName: 'Alpha', netSales: '9.00' },
        { partnerId: 2, partnerName: 'Beta', netSales: '3.00' },
      ],
    }
    const o = chartOption(byPartner, (c) => c.key) as {
      yAxis: { data: string[] }
      series: Array<{ type: string; data: number[] }>
    }
    expect(o.yAxis.data).toEqual(['Beta', 'Alpha'])
    expect(o.series[0]).toMatchObject({ type: 'bar', data: [3, 9] })
    expect(chartOption({ ...byPartner, rows: [] }, (c) => c.key)).toBeUndefined()
  })

  it('knows the schedule presets', () => {
    expect(scheduleKey('0 7 * * 1')).toBe('scheduleWeekly')
    expect(scheduleKey(null)).toBe('scheduleNone')
    expect(scheduleKey('15 3 * * *')).toBe('scheduleCustom')
  })
})
