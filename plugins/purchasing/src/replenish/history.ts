import type { Knex } from 'knex'

export interface DemandSeries {
  productId: number
  warehouseId: number
  /** Units shipped per week, oldest first, the current (incomplete) week excluded. */
  weeks: number[]
}

const WEEK_MS = 7 * 86_400_000

/** The end of the complete weeks before `asOf` (the start of its week): what a forecast is computed up to. */
export const historyEnd = (asOf: Date): Date => new Date(Math.floor(asOf.getTime() / WEEK_MS) * WEEK_MS)

/**
 * Weekly demand per product × warehouse from the stock ledger's shipments over the last `weeks`
 * complete weeks before `asOf` (weeks with no shipment count as 0).
 */
export async function weeklyDemand(
  db: Knex | Knex.Transaction,
  asOf: Date,
  weeks: number,
  filter: { warehouseId?: number; productIds?: number[] } = {},
): Promise<DemandSeries[]> {
  const end = historyEnd(asOf)
  const start = new Date(end.getTime() - weeks * WEEK_MS)
  const q = db('stock_movements')
    .where('kind', 'shipment')
    .where('occurredAt', '>=', start.toISOString())
    .where('occurredAt', '<', end.toISOString())
    .groupBy('productId', 'warehouseId', 'week')
    .select(
      'productId',
      'warehouseId',
      db.raw(`floor(extract(epoch from ("occurredAt" - ?::timestamptz)) / ${WEEK_MS / 1000})::int as week`, [
        start.toISOString(),
      ]),
    )
    .select(db.raw('sum(-quantity)::int as units'))
  if (filter.warehouseId) q.where('warehouseId', filter.warehouseId)
  if (filter.productIds) q.whereIn('productId', filter.productIds)
  const rows = (await q) as Array<{ productId: number; warehouseId: number; week: number; units: number }>
  const series = new Map<string, DemandSeries>()
  for (const r of rows) {
    const key = `${r.productId}:${r.warehouseId}`
    let s = series.get(key)
    if (!s)
      series.set(
        key,
        (s = { productId: r.productId, warehouseId: r.warehouseId, weeks: new Array<number>(weeks).fill(0) }),
      )
    if (r.week >= 0 && r.week < weeks) s.weeks[r.week] = Number(r.units)
  }
  return [...series.values()]
}
