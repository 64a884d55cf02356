import { describe, expect, it } from 'vitest'
import { Money, money } from '../money.js'
import { lineTotals, orderTotals, pickListPrice } from '../pricing/totals.js'

const line = (unitPrice: string, quantity: number, taxRate = '13', discount = '0') =>
  lineTotals({
    unitPrice: new Money(unitPrice),
    quantity,
    taxRate: new Money(taxRate),
    discount: new Money(discount),
  })

describe('money and totals', () => {
  it('rounds half up to cents, exactly', () => {
    expect(money('0.005')).toBe('0.01')
    expect(money('2.675')).toBe('2.68') // 2.675 as a float is 2.67499…; as a decimal it rounds up
    expect(money(new Money('0.1').plus('0.2'))).toBe('0.30')
  })

  it('computes line and order totals without float drift', () => {
    const a = line('7.77', 12) // 93.24, tax 12.1212 → 12.12
    const b = line('89.95', 2) // 179.90, tax 23.387 → 23.39
    expect(a).toEqual({ gross: '93.24', lineTotal: '93.24', taxAmount: '12.12' })
    expect(orderTotals([a, b])).toEqual({
      subtotal: '273.14',
      discountTotal: '0.00',
      taxTotal: '35.51',
      total: '308.65',
    })
    const many = Array.from({ length: 1000 }, () => line('0.10', 3, '0'))
    expect(orderTotals(many).total).toBe('300.00')
  })

  it('takes line discounts before tax and order discounts after', () => {
    const l = line('100.00', 1, '10', '20.00') // net 80, tax 8
    expect(l).toEqual({ gross: '100.00', lineTotal: '80.00', taxAmount: '8.00' })
    expect(orderTotals([l], '5')).toEqual({
      subtotal: '100.00',
      discountTotal: '25.00',
      taxTotal: '8.00',
      total: '83.00',
    })
    // an order discount never makes the total negative
    expect(orderTotals([l], '1000').total).toBe('8.00')
  })

  it('picks the price list item with the highest minQuantity reached', () => {
    const items = [
      { minQuantity: 1, unitPrice: '8.33' },
      { minQuantity: 10, unitPrice: '7.77' },
      { minQuantity: 50, unitPrice: '7.00' },
    ]
    expect(pickListPrice(items, 9)).toBe('8.33')
    expect(pickListPrice(items, 10)).toBe('7.77')
    expect(pickListPrice(items, 500)).toBe('7.00')
    expect(pickListPrice([{ minQuantity: 5, unitPrice: '1.00' }], 4)).toBeUndefined()
    expect(pickListPrice(undefined, 4)).toBeUndefined()
  })
})
