import { describe, expect, it } from 'vitest'
import { customer } from '../../../__tests__/fixtures'
import { fromUrlQuery, sameQuery, toUrlQuery, type ListState } from '../url-state'

const state: ListState = {
  page: 3,
  pageSize: 50,
  sort: { creditLimit: -1 },
  search: 'acme',
  filters: {
    status: { kind: 'enum', values: ['new', 'in_progress'] },
    partnerId: { kind: 'ref', ids: [4, 9] },
    creditLimit: { kind: 'range', min: '100.00', max: null },
    since: { kind: 'dateRange', from: '2026-01-01', to: '2026-03-31' },
    vip: { kind: 'bool', value: true },
    name: { kind: 'text', value: 'North' },
    code: { kind: 'text', value: '' },
  },
}

describe('list state in the URL', () => {
  it('writes filters, sort, page, size and search; leaves empty filters and defaults out', () => {
    expect(toUrlQuery(customer, state)).toEqual({
      q: 'acme',
      sort: '-creditLimit',
      page: '3',
      size: '50',
      'f.status': 'new,in_progress',
      'f.partnerId': '4,9',
      'f.creditLimit': '100.00..',
      'f.since': '2026-01-01..2026-03-31',
      'f.vip': 'true',
      'f.name': 'North',
    })
    expect(
      toUrlQuery(customer, { page: 1, pageSize: 25, sort: { id: -1 }, search: ' ', filters: {} }),
    ).toEqual({})
  })

  it('reads back the same state (a shared link or the back button shows the same list)', () => {
    const back = fromUrlQuery(customer, toUrlQuery(customer, state))
    const { code: _empty, ...filters } = state.filters
    expect(back).toEqual({ ...state, filters })
  })

  it('drops what does not fit the entity instead of sending it', () => {
    const s = fromUrlQuery(customer, {
      page: '-2',
      size: '7',
      sort: '-nope',
      'f.status': 'closed,bogus',
      'f.partnerId': 'x,5',
      'f.unknown': '1',
      'f.since': '2026-13..',
      'f.vip': 'maybe',
    })
    expect(s.page).toBe(1)
    expect(s.pageSize).toBe(25)
    expect(s.sort).toEqual({ id: -1 })
    expect(s.filters).toEqual({
      status: { kind: 'enum', values: ['closed'] },
      partnerId: { kind: 'ref', ids: [5] },
      since: { kind: 'dateRange', from: null, to: null },
    })
  })

  it('compares queries regardless of key order', () => {
    expect(sameQuery({ a: '1', b: '2' }, { b: '2', a: '1' })).toBe(true)
    expect(sameQuery({ a: '1' }, { a: '1', b: '2' })).toBe(false)
  })
})
