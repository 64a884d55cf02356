import type { Knex } from 'knex'
import type { PromotionRule } from './types.js'
import { prepared } from '@plume/core'

/** Who is buying: what campaign targeting and coupons look at. */
export interface Buyer {
  couponCodes: string[]
  segmentId: number | null
  tierId: number | null
}

/** Coupon codes as stored (jsonb array, or its text from drivers that do not parse it). */
export function couponCodesOf(raw: unknown): string[] {
  const v = typeof raw === 'string' ? (JSON.parse(raw) as unknown) : raw
  return Array.isArray(v) ? v.filter((c): c is string => typeof c === 'string') : []
}

/** The coupon codes, customer segment and partner tier of an order. */
export async function loadBuyer(trx: Knex.Transaction, orderId: number): Promise<Buyer> {
  const row = (await trx('orders as o')
    .join('customers as c', 'c.id', 'o.customerId')
    .leftJoin('partners as p', 'p.id', 'o.partnerId')
    .where('o.id', orderId)
    .first('o.couponCodes', 'c.segmentId', 'p.tierId')) as
    { couponCodes: string[] | string | null; segmentId: number | null; tierId: number | null } | undefined
  const raw =
    typeof row?.couponCodes === 'string' ? (JSON.parse(row.couponCodes) as string[]) : row?.couponCodes
  return {
    couponCodes: Array.isArray(raw) ? raw : [],
    segmentId: row?.segmentId ?? null,
    tierId: row?.tierId ?? null,
  }
}

/**
 * SQL condition (alias `p` for promotions, `c` for campaigns) for "valid at `at`": active, inside
 * its window, and its campaign (if any) active or scheduled and inside the campaign's window.
 */
export const VALID_PROMOTION = `p.active
  and (p."startsAt" is null or p."startsAt" <= :at) and (p."endsAt" is null or p."endsAt" > :at)
  and (c.id is null or (c.status in ('active', 'scheduled') and (c."startsAt" is null or c."startsAt" <= :at) and (c."endsAt" is null or c."endsAt" > :at)))`

/**
 * Promotions that may apply to an order now: valid (see VALID_PROMOTION), aimed at the buyer's
 * segment / partner tier when their campaign targets one, and — for coupon promotions — named
 * in the order's coupon codes. Money and percents come back as exact strings.
 */
export async function loadPromotions(
  trx: Knex.Transaction,
  buyer: Buyer,
  at: Date,
): Promise<PromotionRule[]> {
  const res = await trx.raw(
    `select ${PROMOTION_COLUMNS}
       from promotions p left join campaigns c on c.id = p."campaignId"
      where ${VALID_PROMOTION}
        and (p."couponCode" is null or p."couponCode" = any(:codes::text[]))
        and (c.id is null or ((c."targetSegmentId" is null or c."targetSegmentId" = :segment::int) and (c."targetTierId" is null or c."targetTierId" = :tier::int)))
      order by p.priority desc, p.id`,
    { at: at.toISOString(), codes: buyer.couponCodes, segment: buyer.segmentId, tier: buyer.tierId },
  )
  return rules((res as { rows: Array<PromotionRule & { tiers: unknown }> }).rows)
}

const rules = (rows: Array<PromotionRule & { tiers: unknown }>): PromotionRule[] =>
  rows.map((r) => ({
    ...r,
    tiers:
      typeof r.tiers === 'string'
        ? (JSON.parse(r.tiers) as PromotionRule['tiers'])
        : (r.tiers as PromotionRule['tiers']),
  }))

/**
 * `loadBuyer` and `loadPromotions` in one round trip (what the pricing step needs per run).
 * @example const promotions = await loadOrderPromotions(trx, orderId, new Date())
 */
export async function loadOrderPromotions(
  trx: Knex.Transaction,
  orderId: number,
  at: Date,
): Promise<PromotionRule[]> {
  const rows = await prepared<PromotionRule & { tiers: unknown }>(
    trx,
    trx.raw(
      `with b as (
       select coalesce(array(select jsonb_array_elements_text(case when jsonb_typeof(o."couponCodes") = 'array' then o."couponCodes" else '[]'::jsonb end)), '{}') as codes,
              c."segmentId" as segment, pa."tierId" as tier
         from orders o join customers c on c.id = o."customerId" left join partners pa on pa.id = o."partnerId"
        where o.id = :orderId::int)
     select ${PROMOTION_COLUMNS}
       from b cross join promotions p left join campaigns c on c.id = p."campaignId"
      where ${VALID_PROMOTION}
        and (p."couponCode" is null or p."couponCode" = any(b.codes))
        and (c.id is null or ((c."targetSegmentId" is null or c."targetSegmentId" = b.segment) and (c."targetTierId" is null or c."targetTierId" = b.tier)))
      order by p.priority desc, p.id`,
      { at: at.toISOString(), orderId },
    ),
    'marketing_order_promotions',
  )
  return rules(rows)
}

const PROMOTION_COLUMNS = `p.id, p.code, p.name, p.kind, p."percentOff"::text as "percentOff", p."amountOff"::text as "amountOff", p."buyQuantity", p."getQuantity", p.tiers,
            p."minOrderTotal"::text as "minOrderTotal", p."productId", p."categoryId", p."couponCode", p.stackable, p.exclusive, p.priority, p."minUnitPrice"::text as "minUnitPrice"`

/** Category and cost of products, for scoping promotions and the price floor. */
export async function loadProducts(
  trx: Knex.Transaction,
  productIds: number[],
): Promise<Map<number, { categoryId: number | null; cost: string | null }>> {
  if (productIds.length === 0) return new Map()
  const rows = (await trx('products')
    .whereIn('id', [...new Set(productIds)])
    .select('id', 'categoryId', trx.raw('cost::text as cost'))) as Array<{
    id: number
    categoryId: number | null
    cost: string | null
  }>
  return new Map(rows.map((r) => [r.id, { categoryId: r.categoryId, cost: r.cost }]))
}
