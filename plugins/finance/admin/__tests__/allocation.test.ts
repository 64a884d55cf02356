import { describe, expect, it } from 'vitest'
import { allocationLines, autoAllocate, checkAllocations, openOf, type OpenInvoice } from '../allocation'

const inv = (id: number, dueDate: string, open: string): OpenInvoice => ({
  id,
  number: `INV-${id}`,
  issueDate: '2026-01-01',
  dueDate,
  total: open,
  open,
})
const list = [inv(2, '2026-03-01', '33.90'), inv(1, '2026-02-01', '113.00'), inv(3, '2026-04-01', '0.10')]

describe('payment allocation arithmetic', () => {
  it('open amount is total − paid − credited, exactly', () => {
    expect(openOf({ total: '0.30', amountPaid: '0.10', creditTotal: '0.10' })).toBe('0.10')
  })
  it('auto allocates oldest due first, each up to its open amount', () => {
    expect(autoAllocate('130.00', list)).toEqual({ 1: '113.00', 2: '17.00', 3: '' })
    expect(autoAllocate('500.00', list)).toEqual({ 1: '113.00', 2: '33.90', 3: '0.10' })
  })
  it('sums in cents without float drift and names over-allocated lines', () => {
    const c = checkAllocations('0.30', list, { 1: '0.10', 2: '0.20' })
    expect([c.allocated, c.remaining, c.overPayment]).toEqual(['0.30', '0.00', false])
    const over = checkAllocations('10.00', list, { 3: '0.11', 2: '1.234', 1: '10.00' })
    expect(over.problems).toEqual({ 3: 'over', 2: 'format' })
    expect(over.overPayment).toBe(true)
    expect(over.remaining).toBe('-0.11')
  })
  it('sends only positive amounts, normalised to two decimals', () => {
    expect(allocationLines(list, { 1: '5', 2: '0', 3: '' })).toEqual([{ invoiceId: 1, amount: '5.00' }])
  })
})
