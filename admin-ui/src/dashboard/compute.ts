/**
 * Dashboard figures from plain REST queries: rows of a bounded window fetched with `$select`
 * and summed client side (money exactly, in cents). A reporting API will replace this later.
 */
import { api } from '../api/client'
import type { DashboardCard, EntityMeta, Row } from '../types/meta'
import { centsToString } from '../utils/decimal'
import { measureFields, rowCents } from './measure'

/** At most this many rows per card and period: enough for a small business, bounded for a big one. */
export const WINDOW = 5000

export interface Range {
  from: Date
  to: Date
}

export function previous(r: Range): Range {
  const len = r.to.getTime() - r.from.getTime()
  return { from: new Date(r.from.getTime() - len), to: new Date(r.from.getTime()) }
}

function dateCondition(e: EntityMeta, field: string | undefined, r: Range): Record<string, unknown> {
  if (!field || !e.fields[field]) return {}
  const f = e.fields[field]!
  if (f.format === 'date') {
    const day = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
    return { [field]: { $gte: day(r.from), $lt: day(r.to) } }
  }
  return { [field]: { $gte: r.from.toISOString(), $lt: r.to.toISOString() } }
}

async function rows(e: EntityMeta, card: DashboardCard, r: Range | undefined, select: string[]): Promise<{ rows: Row[]; complete: boolean }> {
  const q = { ...(card.where ?? {}), ...(r ? dateCondition(e, card.dateField, r) : {}), $select: ['id', ...select.filter((s) => s && e.fields[s])] }
  return api.findAll(e.plural, q, { pageSize: 500, max: WINDOW })
}

export interface Measured {
  value: string | number
  complete: boolean
}

/** Count (exact, from `total`) or sum of the measure field over the period. */
export async function measure(e: EntityMeta, card: DashboardCard, r: Range | undefined): Promise<Measured> {
  const m = card.measure ?? { op: 'count' }
  if (m.op === 'count') {
    const res = await api.find(e.plural, { ...(card.where ?? {}), ...(r ? dateCondition(e, card.dateField, r) : {}), $limit: 0 })
    return { value: res.total, complete: true }
  }
  const got = await rows(e, card, r, measureFields(card))
  return { value: sum(e, m, got.rows), complete: got.complete }
}

function sum(e: EntityMeta, m: NonNullable<DashboardCard['measure']>, list: Row[]): string | number {
  const field = m.field ?? ''
  if (e.fields[field]?.xType === 'money' || e.fields[field]?.type === 'string') return centsToString(list.reduce((s, x) => s + rowCents(m, x), 0n))
  return list.reduce((s, x) => s + Number(x[field] ?? 0) - (m.minus ? Number(x[m.minus] ?? 0) : 0), 0)
}

/** Daily (≤ 62 days) or monthly buckets of the measure. */
export async function trend(e: EntityMeta, card: DashboardCard, r: Range): Promise<{ labels: string[]; values: number[]; complete: boolean }> {
  const dateField = card.dateField ?? 'createdAt'
  const got = await rows(e, card, r, [...measureFields(card), dateField])
  const days = (r.to.getTime() - r.from.getTime()) / 86_400_000
  const monthly = days > 62
  const keyOf = (d: Date) => (monthly ? `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}` : `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`)
  const buckets = new Map<string, bigint>()
  for (let d = new Date(r.from); d < r.to; monthly ? d.setMonth(d.getMonth() + 1, 1) : d.setDate(d.getDate() + 1)) buckets.set(keyOf(d), 0n)
  for (const row of got.rows) {
    const raw = row[dateField]
    if (!raw) continue
    const k = keyOf(new Date(/^\d{4}-\d{2}-\d{2}$/.test(String(raw)) ? `${String(raw)}T00:00:00` : String(raw)))
    const add = rowCents(card.measure ?? { op: 'count' }, row)
    buckets.set(k, (buckets.get(k) ?? 0n) + add)
  }
  return { labels: [...buckets.keys()], values: [...buckets.values()].map((c) => Number(c) / 100), complete: got.complete }
}

/** Top N values of `groupBy` by the measure. */
export async function top(e: EntityMeta, card: DashboardCard, r: Range): Promise<{ items: Array<{ id: unknown; value: number }>; complete: boolean }> {
  const by = card.groupBy ?? ''
  const got = await rows(e, card, r, [...measureFields(card), by])
  const acc = new Map<unknown, bigint>()
  for (const row of got.rows) {
    const k = row[by]
    if (k === null || k === undefined) continue
    acc.set(k, (acc.get(k) ?? 0n) + rowCents(card.measure ?? { op: 'count' }, row))
  }
  const items = [...acc.entries()].sort((a, b) => (b[1] > a[1] ? 1 : b[1] < a[1] ? -1 : 0)).slice(0, card.limit ?? 5).map(([id, c]) => ({ id, value: Number(c) / 100 }))
  return { items, complete: got.complete }
}

/** Exact counts per value of an enum field (one `$limit: 0` query each). */
export async function breakdown(e: EntityMeta, card: DashboardCard): Promise<Array<{ value: string | number; count: number }>> {
  const by = card.groupBy ?? ''
  const values = card.values ?? e.fields[by]?.enum ?? []
  return Promise.all(values.map(async (v) => ({ value: v, count: (await api.find(e.plural, { ...(card.where ?? {}), [by]: v, $limit: 0 })).total })))
}

/** Rows where `field` < `than` (two columns: compared client side over the window). */
export async function below(e: EntityMeta, card: DashboardCard): Promise<{ rows: Row[]; count: number; complete: boolean }> {
  const f = card.field ?? ''
  const th = card.than ?? ''
  const got = await rows(e, card, undefined, [...new Set([f, th, ...(card.show ?? [])])])
  const hit = got.rows.filter((row) => Number(row[f] ?? 0) < Number(row[th] ?? 0))
  hit.sort((a, b) => Number(a[f]) - Number(a[th]) - (Number(b[f]) - Number(b[th])))
  return { rows: hit.slice(0, card.limit ?? 10), count: hit.length, complete: got.complete }
}
