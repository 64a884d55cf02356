import { describe, expect, it } from 'vitest'
import {
  addDays,
  dateText,
  invoiceTotals,
  isDate,
  lineNet,
  lineTax,
  openAmount,
  settledStatus,
} from '../money.js'
import { formatDocumentNumber } from '../numbering.js'
import { allowedIn, assertAction, INVOICE_ACTIONS } from '../states.js'

describe('invoice money', () => {
  it('taxes each line on its net total, half up to cents, and sums the rounded taxes', () => {
    expect(lineTax('24.99', 13)).toBe('3.25') // 3.2487
    expect(lineTax('0.50', 13)).toBe('0.07') // 0.065 → half up
    expect(lineTax('10.00', 0)).toBe('0.00')
    // three lines of 0.50 at 13 %: 3 × 0.07 = 0.21, not round(1.50 × 13 %) = 0.20
    const lines = Array.from({ length: 3 }, () => ({ lineTotal: '0.50', taxAmount: lineTax('0.50', 13) }))
    expect(invoiceTotals(lines)).toEqual({ subtotal: '1.50', taxTotal: '0.21', total: '1.71' })
  })

  it('computes net line totals exactly (no float drift)', () => {
    expect(lineNet('0.10', 3)).toBe('0.30')
    expect(lineNet('9.99', 3, '1.00')).toBe('28.97')
    expect(lineNet('-12.50', 1)).toBe('-12.50')
  })

  it('derives the settled status from payments and credits', () => {
    expect(settledStatus({ total: '100.00', amountPaid: '0.00', creditTotal: '0.00' })).toBe('issued')
    expect(settledStatus({ total: '100.00', amountPaid: '60.00', creditTotal: '0.00' })).toBe(
      'partially_paid',
    )
    expect(settledStatus({ total: '100.00', amountPaid: '60.00', creditTotal: '40.00' })).toBe('paid')
    expect(settledStatus({ total: '0.00', amountPaid: '0.00', creditTotal: '0.00' })).toBe('paid')
    expect(openAmount({ total: '100.00', amountPaid: '33.33', creditTotal: '0.01' }).toFixed(2)).toBe('66.66')
  })

  it('does calendar arithmetic in UTC', () => {
    expect(addDays('2026-01-31', 30)).toBe('2026-03-02')
    expect(addDays('2026-12-15', 30)).toBe('2027-01-14')
    expect(isDate('2026-02-29')).toBe(false)
    expect(isDate('2028-02-29')).toBe(true)
    expect(dateText(new Date('2026-07-01T00:00:00Z'))).toBe('2026-07-01')
  })
})

describe('numbers and states', () => {
  it('formats gap-free document numbers', () => {
    expect(formatDocumentNumber('INV', 2026, 42)).toBe('INV-2026-000042')
    expect(formatDocumentNumber('CN', 2027, 1)).toBe('CN-2027-000001')
  })

  it('lists the allowed actions when refusing one', () => {
    expect(allowedIn(INVOICE_ACTIONS, 'draft')).toEqual(['issue', 'void'])
    expect(() => assertAction(INVOICE_ACTIONS, 'invoice INV-2026-000001', 'void', 'paid')).toThrow(
      'Cannot void invoice INV-2026-000001 in state paid; allowed: none',
    )
  })
})
