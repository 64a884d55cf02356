import { describe, expect, it } from 'vitest'
import { customer, entity, field } from '../../__tests__/fixtures'
import { searchFields, searchQuery } from '../entity'
import { filtersQuery } from '../filters'
import { filterKey, listQuery, nextKnownTotal, pageAfterEmpty, pagerState } from '../list-query'

const page = (n: number) => ({ page: n, pageSize: 25, sort: { id: -1 as const } })

describe('filters → Feathers query', () => {
  it('turns each filter kind into its condition and drops empty ones', () => {
    const q = filtersQuery(customer, {
      name: { kind: 'text', value: ' 50%_off ' },
      status: { kind: 'enum', values: ['new', 'closed'] },
      creditLimit: { kind: 'range', min: '100.00', max: null },
      discount: { kind: 'range', min: null, max: 5 },
      partnerId: { kind: 'ref', ids: [3, 4] },
      vip: { kind: 'bool', value: false },
      since: { kind: 'dateRange', from: '2024-01-01', to: '2024-01-31' },
      code: { kind: 'text', value: '   ' },
      email: { kind: 'enum', values: [] },
    })
    expect(q).toEqual({
      name: { $ilike: '%50\\%\\_off%' },
      status: { $in: ['new', 'closed'] },
      creditLimit: { $gte: '100.00' },
      discount: { $lte: 5 },
      partnerId: { $in: [3, 4] },
      vip: false,
      since: { $gte: '2024-01-01', $lte: '2024-01-31' },
    })
  })

  it('makes a date-time range cover whole local days (end exclusive)', () => {
    const q = filtersQuery(customer, {
      lastSeenAt: { kind: 'dateRange', from: '2024-03-01', to: '2024-03-01' },
    })
    const c = q.lastSeenAt as { $gte: string; $lt: string }
    expect(new Date(c.$lt).getTime() - new Date(c.$gte).getTime()).toBe(24 * 3600 * 1000)
  })

  it('searches text fields only (not money, dates, or sensitive fields, which are encrypted)', () => {
    expect(searchFields(customer)).toEqual(['code', 'name'])
    const user = entity('user', [
      field('name', { searchable: true }),
      field('email', { format: 'email', searchable: true }),
    ])
    expect(searchFields(user)).toEqual(['name', 'email'])
    expect(searchQuery(customer, 'acme')).toEqual({
      $or: [{ code: { $ilike: '%acme%' } }, { name: { $ilike: '%acme%' } }],
    })
    expect(searchQuery(customer, '  ')).toEqual({})
  })
})

describe('list paging without a count on every page', () => {
  it('asks for an estimate when unfiltered, an exact count on the first page of a filter, then none', () => {
    expect(listQuery({}, page(1))).toEqual({ $limit: 25, $skip: 0, $sort: { id: -1 }, $total: 'estimate' })
    const base = { status: { $in: ['new'] } }
    const first = listQuery(base, page(1))
    expect(first).not.toHaveProperty('$total')
    const known = nextKnownTotal(base, { total: 120, limit: 25, skip: 0, data: [] })
    expect(known).toEqual({ key: filterKey(base), total: 120, estimated: false })
    expect(listQuery(base, page(3), known)).toEqual({
      ...base,
      $limit: 25,
      $skip: 50,
      $sort: { id: -1 },
      $total: false,
    })
    // a new filter counts again
    expect(listQuery({ status: { $in: ['closed'] } }, page(2), known)).not.toHaveProperty('$total')
  })

  it('keeps the known total while paging and remembers estimates', () => {
    const known = nextKnownTotal({}, { total: 1_000_000, totalEstimated: true, limit: 25, skip: 0, data: [] })
    expect(known.estimated).toBe(true)
    expect(nextKnownTotal({}, { total: -1, limit: 25, skip: 25, data: [] }, known)).toBe(known)
    expect(nextKnownTotal({ a: 1 }, { total: -1, limit: 25, skip: 25, data: [] }, known)).toEqual({
      key: '{"a":1}',
      total: -1,
      estimated: false,
    })
  })

  it('pages with an unknown total while pages come back full', () => {
    const unknown = { key: '', total: -1, estimated: false }
    expect(pagerState(unknown, 1, 25, 25)).toMatchObject({
      total: undefined,
      hasMore: true,
      hasPrev: false,
      pagerTotal: undefined,
    })
    expect(pagerState(unknown, 3, 25, 7)).toMatchObject({ hasMore: false, hasPrev: true })
  })

  it('never lets an estimate hide a next page that exists', () => {
    const est = { key: '{}', total: 40, estimated: true }
    expect(pagerState(est, 2, 25, 25)).toMatchObject({ estimated: true, hasMore: true, pagerTotal: 51 })
    const exact = { key: '{}', total: 40, estimated: false }
    expect(pagerState(exact, 2, 25, 15)).toMatchObject({ estimated: false, hasMore: false, pagerTotal: 40 })
  })

  it('steps back from a page that came back empty', () => {
    expect(pageAfterEmpty(5, 25, 0, { key: '', total: 60, estimated: false })).toBe(3)
    expect(pageAfterEmpty(5, 25, 0, { key: '', total: -1, estimated: false })).toBe(4)
    expect(pageAfterEmpty(1, 25, 0)).toBeUndefined()
    expect(pageAfterEmpty(2, 25, 3)).toBeUndefined()
  })
})
