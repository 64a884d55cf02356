/**
 * What the admin report runner needs from the server: report names in both languages, the
 * parameters a run takes (derived from the definition), column labels, and exports whose header
 * names the columns in the user's language.
 */
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

let p: TestPlatform
let admin: string

beforeAll(async () => {
  p = await startTestPlatform()
  admin = await p.login()
}, 120_000)
afterAll(() => p?.close())

type Row = Record<string, unknown>

describe('report runner support', () => {
  it('every built-in report has its name in English and Chinese', async () => {
    const r = await p.http('GET', '/api/reports?$limit=100', undefined, admin)
    expect(r.status).toBe(200)
    const builtIns = (r.body.data as Row[]).filter((d) => d.builtIn)
    expect(builtIns.length).toBeGreaterThanOrEqual(13)
    for (const d of builtIns) {
      const label = d.label as Record<string, string> | null
      expect(label?.en, String(d.code)).toBe(d.name)
      expect(label?.['zh-CN'], String(d.code)).toMatch(/[\u4e00-\u9fff]/)
    }
  })

  it('get names the parameters a run takes: date field, period, partner and warehouse pickers, asOf', async () => {
    const byPeriod = (await p.http('GET', '/api/reports/sales-by-period', undefined, admin)).body
    expect(byPeriod.parameters).toMatchObject({ dateField: 'orderDate', period: 'month', asOf: false })
    const facets = (byPeriod.parameters.filters as Array<{ field: string; entity: string }>).map(
      (f) => f.entity,
    )
    expect(facets).toEqual(expect.arrayContaining(['partner', 'customer', 'warehouse']))
    const aging = (await p.http('GET', '/api/reports/ar-aging', undefined, admin)).body
    expect(aging.parameters.asOf).toBe(true)
    const slow = (await p.http('GET', '/api/reports/slow-movers', undefined, admin)).body
    expect(slow.parameters).toMatchObject({ asOf: true, days: 90 })
  })

  it('a run labels its columns (dimensions and measures) in both languages', async () => {
    const r = await p.http('GET', '/api/reports/sales-by-partner/run', undefined, admin)
    expect(r.status).toBe(200)
    const cols = r.body.columns as Array<{ key: string; label?: Record<string, string> }>
    for (const c of cols) expect(c.label?.['zh-CN'], c.key).toMatch(/[\u4e00-\u9fff]/)
    const period = (await p.http('GET', '/api/reports/sales-by-period/run', undefined, admin)).body
      .columns as Array<{ key: string; label?: Record<string, string> }>
    expect(period.find((c) => c.key === 'orderDate:month')?.label).toEqual({ en: 'Month', 'zh-CN': '月份' })
  })

  it('CSV and XLSX exports with labels=zh-CN name the columns in Chinese; keys stay the default', async () => {
    const csv = await fetch(`${p.url}/api/reports/sales-by-partner/run?format=csv&labels=zh-CN`, {
      headers: { authorization: `Bearer ${admin}` },
    })
    expect(csv.status).toBe(200)
    const header = (await csv.text()).replace(/^\uFEFF/, '').split('\r\n')[0]
    expect(header).toBe('合作伙伴,合作伙伴,订单数,含税销售额,税额,销售净额（折扣后、不含税）')
    const xlsx = await fetch(`${p.url}/api/reports/top-customers/run?format=xlsx&labels=en`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: '{}',
    })
    expect(xlsx.status).toBe(200)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as unknown as ArrayBuffer)
    expect(wb.worksheets[0]!.getRow(1).values).toEqual([
      undefined,
      'Customer',
      'Customer',
      'Orders',
      'Gross sales (with tax)',
      'Tax',
      'Net sales (after discounts, before tax)',
    ])
    const plain = await fetch(`${p.url}/api/reports/sales-by-partner/run?format=csv`, {
      headers: { authorization: `Bearer ${admin}` },
    })
    expect((await plain.text()).replace(/^\uFEFF/, '').split('\r\n')[0]).toBe(
      'partnerId,partnerName,orders,grossSales,tax,netSales',
    )
  })

  it('labels other than en / zh-CN: 400 naming the parameter', async () => {
    const r = await p.http('GET', '/api/reports/sales-by-partner/run?format=csv&labels=fr', undefined, admin)
    expect(r.status).toBe(400)
    expect(r.body.message).toMatch(/labels must be en or zh-CN/)
  })

  it('an admin renames a built-in report in both languages; the shipped query stays', async () => {
    const r = await p.http(
      'PATCH',
      '/api/reports/stock-valuation',
      { label: { en: 'Stock value', 'zh-CN': '库存价值' } },
      admin,
    )
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    expect((await p.http('GET', '/api/reports/stock-valuation', undefined, admin)).body.label).toEqual({
      en: 'Stock value',
      'zh-CN': '库存价值',
    })
    const bad = await p.http('PATCH', '/api/reports/stock-valuation', { label: { en: 'x', fr: 'y' } }, admin)
    expect(bad.status).toBe(400)
  })
})
