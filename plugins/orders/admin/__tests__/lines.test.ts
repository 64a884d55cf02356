import { describe, expect, it } from 'vitest'
import {
  applyServerLine,
  emptyLine,
  entryTotals,
  parsePaste,
  withProduct,
  withQuantity,
  type EntryProduct,
} from '../lines'

const widget: EntryProduct = {
  id: 1,
  sku: 'W',
  name: 'Widget',
  unit: 'pcs',
  listPrice: '10.00',
  taxRate: '13',
}
const gadget: EntryProduct = {
  id: 2,
  sku: 'G',
  name: 'Gadget',
  unit: 'box',
  listPrice: '99.99',
  taxRate: '6.5',
}

describe('order entry lines', () => {
  it('prices a line exactly, as the server does (tax half up per line)', () => {
    const line = withQuantity({ ...withProduct(emptyLine(), widget), unitPrice: '7.77' }, 12)
    expect([line.grossCents, line.lineTotalCents, line.taxCents]).toEqual([9324n, 9324n, 1212n])
    const g = withQuantity(withProduct(emptyLine(), gadget), 3) // 299.97 × 6.5 % = 19.49805 → 19.50
    expect(g.taxCents).toBe(1950n)
  })

  it('sums the running totals in cents (no float drift) and applies the order discount', () => {
    const lines = Array.from({ length: 10 }, () =>
      withQuantity({ ...withProduct(emptyLine(), widget), unitPrice: '0.10' }, 1),
    )
    expect(entryTotals(lines)).toMatchObject({ subtotal: '1.00', taxTotal: '0.10', total: '1.10', lines: 10 })
    const t = entryTotals(
      [withQuantity({ ...withProduct(emptyLine(), widget), unitPrice: '7.77' }, 12), emptyLine()],
      '5.00',
    )
    expect(t).toEqual({
      subtotal: '93.24',
      discountTotal: '5.00',
      taxTotal: '12.12',
      total: '100.36',
      lines: 1,
      quantity: 12,
    })
  })

  it('takes the server figures only for the product and quantity they were asked for', () => {
    const line = withQuantity(withProduct(emptyLine(), widget), 12)
    const server = {
      productId: 1,
      quantity: 12,
      unitPrice: '7.77',
      discount: '9.32',
      taxRate: '13.00',
      taxAmount: '10.91',
      lineTotal: '83.92',
      available: 40,
      adjustments: [{ kind: 'discount', description: '10% off' }],
    }
    const priced = applyServerLine(line, server)
    expect(priced).toMatchObject({
      priced: true,
      unitPrice: '7.77',
      available: 40,
      promotions: ['10% off'],
      lineTotalCents: 8392n,
    })
    expect(applyServerLine(withQuantity(line, 13), server).priced).toBe(false)
  })

  it('reads rows pasted from a spreadsheet and reports the bad ones', () => {
    expect(parsePaste('SKU\tQty\nW\t3\r\nG\t2\n\nX;5\nY\nZ\tmany\n')).toEqual({
      rows: [
        { row: 2, sku: 'W', quantity: 3 },
        { row: 3, sku: 'G', quantity: 2 },
        { row: 5, sku: 'X', quantity: 5 },
        { row: 6, sku: 'Y', quantity: 1 },
      ],
      bad: [{ row: 7, text: 'Z\tmany' }],
    })
  })
})
