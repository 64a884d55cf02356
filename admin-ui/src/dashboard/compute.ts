/**
 * Dashboard figures from server-side aggregates (`GET /api/aggregates`, permission-scoped): the
 * browser never downloads records to count or sum them. Only the "below reorder point" list reads
 * rows (a bounded window), since it compares two columns of each row.
 */
import { api } from '../api/client'
import type { DashboardCard, EntityMeta, Row } from '../types/meta'
import { centsToString, toCents } from '../utils/decimal'

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
    const day = (d: Date) =>
      `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
    return { [field]: { $gte: day(r.from), $lt: day(r.to) } }
  }
  return { [field]: { $gte: r.from.toISOString(), $lt: r.to.toISOString() } }
}

async function rows(
  e: EntityMeta,
  card: DashboardCard,
  r: Range | undefined,
  select: string[],
): Promise<{ rows: Row[]; complete: boolean }> {
  const q = {
    ...(card.where ?? {}),
    ...(r ? dateCondition(e, card.dateField, r) : {}),
    $select: ['id', ...select.filter((s) => s && e.fields[s])],
  }
  return api.findAll(e.plural, q, { pageSize: 500, max: WINDOW })
}

export interface Measured {
  value: string | number
  complete: boolean
}

/** What `GET /api/aggregates` answers (a report result). */
interface Aggregated {
  rows: Row[]
  truncated: boolean
}

type Measure = NonNullable<DashboardCard['measure']>
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

/** The aggregate endpoint's measure token and the column it answers in, for a card's measure. */
export function measureToken(m: Measure): { token: string; key: string } {
  if (m.op === 'count' || !m.field) return { token: 'count', key: 'count' }
  if (m.minus) return { token: `sum:${m.field}-${m.minus}`, key: `sum${cap(m.field)}Minus${cap(m.minus)}` }
  return { token: `sum:${m.field}`, key: `sum${cap(m.field)}` }
}

/**
 * Figures computed by the server with the caller's permissions (`GET /api/aggregates`): the
 * dashboard never downloads records to sum them.
 */
async function aggregate(
  e: EntityMeta,
  card: DashboardCard,
  r: Range | undefined,
  extra: Record<string, unknown>,
): Promise<Aggregated> {
  const { token } = measureToken(card.measure ?? { op: 'count' })
  const query: Record<string, unknown> = { entity: e.name, measure: token, ...extra }
  if (card.where && Object.keys(card.where).length) query.filters = JSON.stringify(card.where)
  if (r) Object.assign(query, { from: r.from.toISOString(), to: r.to.toISOString() })
  return (await api.find('aggregates', query)) as unknown as Aggregated
}

const cents = (v: unknown) => toCents(v ?? '0')

/** Count or sum of the measure field over the period (one aggregate). */
export async function measure(e: EntityMeta, card: DashboardCard, r: Range | undefined): Promise<Measured> {
  const m = card.measure ?? { op: 'count' }
  const got = await aggregate(e, card, r, {})
  const v = got.rows[0]?.[measureToken(m).key]
  if (m.op === 'count') return { value: Number(v ?? 0), complete: true }
  const field = e.fields[m.field ?? '']
  const value =
    field?.xType === 'money' || field?.type === 'string' ? centsToString(cents(v)) : Number(v ?? 0)
  return { value, complete: true }
}

const pad = (n: number) => String(n).padStart(2, '0')

/** Daily (≤ 62 days) or monthly buckets of the measure (UTC, as the server labels them). */
export async function trend(
  e: EntityMeta,
  card: DashboardCard,
  r: Range,
): Promise<{ labels: string[]; values: number[]; complete: boolean }> {
  const dateField = card.dateField ?? 'createdAt'
  const monthly = (r.to.getTime() - r.from.getTime()) / 86_400_000 > 62
  const period = monthly ? 'month' : 'day'
  const keyOf = (d: Date) =>
    monthly
      ? `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`
      : `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
  const buckets = new Map<string, bigint>()
  for (
    let d = new Date(r.from);
    d < r.to;
    monthly ? d.setUTCMonth(d.getUTCMonth() + 1, 1) : d.setUTCDate(d.getUTCDate() + 1)
  )
    buckets.set(keyOf(d), 0n)
  const got = await aggregate(e, card, r, { period, dateField })
  const { key } = measureToken(card.measure ?? { op: 'count' })
  for (const row of got.rows) {
    const label = String(row[`${dateField}:${period}`] ?? '')
    if (!label) continue
    const v = row[key]
    buckets.set(
      label,
      (buckets.get(label) ?? 0n) + (key === 'count' ? BigInt(Number(v ?? 0)) * 100n : cents(v)),
    )
  }
  return {
    labels: [...buckets.keys()],
    values: [...buckets.values()].map((c) => Number(c) / 100),
    complete: !got.truncated,
  }
}

/** Top N values of `groupBy` by the measure (sorted and cut by the server). */
export async function top(
  e: EntityMeta,
  card: DashboardCard,
  r: Range,
): Promise<{ items: Array<{ id: unknown; value: number }>; complete: boolean }> {
  const by = card.groupBy ?? ''
  const { key } = measureToken(card.measure ?? { op: 'count' })
  const got = await aggregate(e, card, r, { groupBy: by, sort: `-${key}`, limit: card.limit ?? 5 })
  const items = got.rows
    .filter((row) => row[by] !== null && row[by] !== undefined)
    .map((row) => ({
      id: row[by],
      value: key === 'count' ? Number(row[key] ?? 0) : Number(cents(row[key])) / 100,
    }))
  return { items, complete: true }
}

/** Exact counts per value of an enum field (one aggregate grouped by it). */
export async function breakdown(
  e: EntityMeta,
  card: DashboardCard,
): Promise<Array<{ value: string | number; count: number }>> {
  const by = card.groupBy ?? ''
  const values = card.values ?? e.fields[by]?.enum ?? []
  const got = await aggregate(e, { ...card, measure: { op: 'count' } }, undefined, { groupBy: by })
  const counts = new Map(got.rows.map((row) => [String(row[by]), Number(row.count ?? 0)]))
  return values.map((v) => ({ value: v, count: counts.get(String(v)) ?? 0 }))
}

/** Rows where `field` < `than` (two columns: compared client side over the window). */
export async function below(
  e: EntityMeta,
  card: DashboardCard,
): Promise<{ rows: Row[]; count: number; complete: boolean }> {
  const f = card.field ?? ''
  const th = card.than ?? ''
  const got = await rows(e, card, undefined, [...new Set([f, th, ...(card.show ?? [])])])
  const hit = got.rows.filter((row) => Number(row[f] ?? 0) < Number(row[th] ?? 0))
  hit.sort((a, b) => Number(a[f]) - Number(a[th]) - (Number(b[f]) - Number(b[th])))
  return { rows: hit.slice(0, card.limit ?? 10), count: hit.length, complete: got.complete }
}
