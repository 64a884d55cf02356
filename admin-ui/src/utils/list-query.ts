/**
 * The query a list page sends, and what it learns about the total. A count over a million rows is
 * the slow part of a page, so a list never counts on every page:
 * - unfiltered: `$total: 'estimate'` (the server answers with the planner's estimate on a big table);
 * - filtered: an exact count on the first page of a new filter, reused while paging (`$total: false`).
 */
import type { Paginated } from '../types/meta'

export type Query = Record<string, unknown>

/** What is known about the total of the current filter. */
export interface KnownTotal {
  /** `JSON.stringify` of the filter query it was counted for. */
  key: string
  /** -1 when the server did not say. */
  total: number
  estimated: boolean
}

export interface PageRequest {
  page: number
  pageSize: number
  sort: Record<string, 1 | -1>
}

/** Identifies a filter (the query without paging or sort): a new key means a new count. */
export const filterKey = (base: Query): string => JSON.stringify(base)

/**
 * The query for one page of a list.
 * @example listQuery({ status: { $in: ['active'] } }, { page: 2, pageSize: 25, sort: { id: -1 } }, known)
 *   // → { status: …, $limit: 25, $skip: 25, $sort: { id: -1 }, $total: false } when `known` matches
 */
export function listQuery(base: Query, req: PageRequest, known?: KnownTotal): Query {
  const q: Query = { ...base, $limit: req.pageSize, $skip: (req.page - 1) * req.pageSize, $sort: req.sort }
  if (known && known.key === filterKey(base)) q.$total = false
  else if (Object.keys(base).length === 0) q.$total = 'estimate'
  // filtered and not counted yet: the server's default exact count
  return q
}

/** The total to keep after a page came back: the page's own count, or the one already known. */
export function nextKnownTotal(base: Query, res: Paginated<unknown>, known?: KnownTotal): KnownTotal {
  const key = filterKey(base)
  if (res.total >= 0) return { key, total: res.total, estimated: res.totalEstimated === true }
  if (known && known.key === key) return known
  return { key, total: -1, estimated: false }
}

export interface PagerState {
  /** Known (or estimated) total, or undefined when unknown. */
  total?: number
  estimated: boolean
  /** Whether a next page may exist: from the total when exact, else "this page came back full". */
  hasMore: boolean
  hasPrev: boolean
  /** What the numbered pager is given: an estimate never hides a next page that exists. */
  pagerTotal?: number
}

/**
 * Pager state for the current page. With an unknown or estimated total, "next" is allowed while
 * pages come back full, so paging never depends on a count.
 * @example pagerState({ total: -1, estimated: false, key: '' }, 2, 25, 25) // { total: undefined, hasMore: true, hasPrev: true, … }
 */
export function pagerState(
  known: KnownTotal | undefined,
  page: number,
  pageSize: number,
  rowsOnPage: number,
): PagerState {
  const full = rowsOnPage >= pageSize
  const total = known && known.total >= 0 ? known.total : undefined
  const exact = total !== undefined && !known?.estimated
  const seen = (page - 1) * pageSize + rowsOnPage + (full ? 1 : 0)
  return {
    total,
    estimated: total !== undefined && known?.estimated === true,
    hasMore: exact ? page * pageSize < total : full,
    hasPrev: page > 1,
    pagerTotal: total === undefined ? undefined : exact ? total : Math.max(total, seen),
  }
}

/**
 * The page to go back to when a page came back empty (rows deleted meanwhile), or undefined when
 * the page is fine as it is.
 */
export function pageAfterEmpty(
  page: number,
  pageSize: number,
  rowsOnPage: number,
  known?: KnownTotal,
): number | undefined {
  if (rowsOnPage > 0 || page <= 1) return undefined
  const last = known && known.total > 0 && !known.estimated ? Math.ceil(known.total / pageSize) : page - 1
  return Math.max(1, Math.min(page - 1, last))
}
