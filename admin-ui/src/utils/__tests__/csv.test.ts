import { afterEach, describe, expect, it } from 'vitest'
import { customer } from '../../__tests__/fixtures'
import { locale } from '../../i18n'
import type { FieldMeta } from '../../types/meta'
import { csvCell, exportTable, toCsv } from '../csv'

const f = (n: string) => customer.fields[n]!
const cols = ['name', 'status', 'creditLimit', 'partnerId', 'since', 'lastSeenAt', 'vip'].map(f)
const titles = (field: FieldMeta, id: number) =>
  field.ref?.entity === 'partner' && id === 3 ? 'Acme, Inc.' : undefined

describe('CSV export', () => {
  afterEach(() => {
    locale.value = 'en'
  })

  it('quotes separators, quotes and line breaks', () => {
    expect(csvCell('plain')).toBe('plain')
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell('two\nlines')).toBe('"two\nlines"')
  })

  it('defuses formulas but keeps negative numbers numbers', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"')
    expect(csvCell('+1')).toBe('"\'+1"')
    expect(csvCell('@SUM(A1)')).toBe('"\'@SUM(A1)"')
    expect(csvCell('-12.50')).toBe('-12.50')
    expect(csvCell('-')).toBe('"\'-"')
  })

  it('writes labels as the header and machine-readable values', () => {
    const rows = [
      {
        id: 1,
        name: 'Zhang San',
        status: 'in_progress',
        creditLimit: '-1200.50',
        partnerId: 3,
        since: '2024-03-01',
        lastSeenAt: '2024-03-01T08:00:00.000Z',
        vip: true,
      },
      {
        id: 2,
        name: 'Li',
        status: 'closed',
        creditLimit: '0.00',
        partnerId: 9,
        since: null,
        lastSeenAt: null,
        vip: false,
      },
    ]
    const table = exportTable(cols, rows, titles)
    expect(table).toEqual([
      ['Name', 'Status', 'Credit limit', 'partnerId', 'since', 'lastSeenAt', 'vip'],
      ['Zhang San', 'In progress', '-1200.50', 'Acme, Inc.', '2024-03-01', '2024-03-01T08:00:00.000Z', 'Yes'],
      ['Li', 'Closed', '0.00', '', '', '', 'No'],
    ])
    expect(toCsv(table).split('\r\n')[1]).toBe(
      'Zhang San,In progress,-1200.50,"Acme, Inc.",2024-03-01,2024-03-01T08:00:00.000Z,Yes',
    )
    expect(toCsv(table).startsWith('\ufeffName,')).toBe(true)
  })

  it('uses the current language for the header and enum labels', () => {
    locale.value = 'zh-CN'
    const [header, line] = exportTable(
      [f('name'), f('status')],
      [{ id: 1, name: '张三', status: 'new' }],
      titles,
    )
    expect(header).toEqual(['名称', '状态'])
    expect(line).toEqual(['张三', '新建'])
  })
})
