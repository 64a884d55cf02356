import { describe, expect, it } from 'vitest'
import { readAllocations } from '../payments/allocate.js'
import { readOrderIds } from '../invoices/from-orders.js'

describe('request bodies', () => {
  it('reads allocations or auto', () => {
    expect(readAllocations({})).toBe('auto')
    expect(readAllocations({ auto: true })).toBe('auto')
    expect(readAllocations({ allocations: [{ invoiceId: 3, amount: '12.5' }] })).toEqual([
      { invoiceId: 3, amount: '12.50' },
    ])
    for (const bad of [
      { allocations: [] },
      { allocations: [{ invoiceId: 3, amount: 12.5 }] },
      { allocations: [{ invoiceId: 3, amount: '0.00' }] },
      { allocations: [{ invoiceId: 3, amount: '1.234' }] },
      {
        allocations: [
          { invoiceId: 3, amount: '1' },
          { invoiceId: 3, amount: '2' },
        ],
      },
      { auto: false },
      { extra: 1 },
    ]) {
      expect(() => readAllocations(bad), JSON.stringify(bad)).toThrow(/Invalid data/)
    }
  })

  it('reads order ids', () => {
    expect(readOrderIds({ orderIds: [3, 1] })).toEqual([3, 1])
    for (const bad of [
      {},
      { orderIds: [] },
      { orderIds: [0] },
      { orderIds: ['1'] },
      { orderIds: [1, 1] },
      { orderIds: [1], x: 1 },
    ])
      expect(() => readOrderIds(bad)).toThrow(/Invalid data/)
  })
})
