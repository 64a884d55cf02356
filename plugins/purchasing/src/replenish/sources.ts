import type { Knex } from 'knex'

export interface Source {
  productId: number
  supplierId: number
  packSize: number
  moq: number
  leadDays: number
  leadSdDays: number
}

/** Lead time (days) assumed for a product without a supplier item. */
export const DEFAULT_LEAD_DAYS = 14
/** Weeks between two reviews of what to order. */
export const REVIEW_WEEKS = 1

/**
 * Weeks a product's forecast runs ahead: the lead time plus the review period, at least 13 weeks
 * (a quarter, for the projected stock-out date).
 */
export const forecastHorizon = (leadDays: number | undefined): number =>
  Math.max(13, Math.ceil((leadDays ?? DEFAULT_LEAD_DAYS) / 7 + REVIEW_WEEKS))

/** The preferred supplier item of each product (else the cheapest), with its lead time. */
export async function sources(
  db: Knex | Knex.Transaction,
  productIds: number[],
): Promise<Map<number, Source>> {
  const rows = (await db('supplier_items as i')
    .join('suppliers as s', 's.id', 'i.supplierId')
    .where('s.active', true)
    .whereIn('i.productId', productIds)
    .orderBy([
      { column: 'i.productId' },
      { column: 'i.preferred', order: 'desc' },
      { column: 'i.price' },
      { column: 'i.id' },
    ])
    .select(
      'i.productId',
      'i.supplierId',
      'i.packSize',
      'i.moq',
      db.raw('coalesce(i."leadTimeDays", s."leadTimeDays") as "leadDays"'),
      's.leadTimeSdDays as leadSdDays',
    )) as Source[]
  const out = new Map<number, Source>()
  for (const r of rows) if (!out.has(r.productId)) out.set(r.productId, r)
  return out
}
