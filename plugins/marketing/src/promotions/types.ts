import type { Money } from '@plume/core'

export type PromotionKind = 'percent' | 'fixed' | 'buy_x_get_y' | 'tiered' | 'free_shipping'

/** A promotion as the engine reads it (money and percents as exact strings). */
export interface PromotionRule {
  id: number
  code: string
  name: string
  kind: PromotionKind
  percentOff: string | null
  amountOff: string | null
  buyQuantity: number | null
  getQuantity: number | null
  tiers: Array<{ minQuantity: number; percentOff: number | string }> | null
  minOrderTotal: string | null
  productId: number | null
  categoryId: number | null
  couponCode: string | null
  stackable: boolean
  exclusive: boolean
  priority: number
  minUnitPrice: string | null
}

/** A line as the engine sees it, after the base price. */
export interface PromoLine {
  id: number
  productId: number
  categoryId: number | null
  quantity: number
  unitPrice: Money
  /** Product cost: the default price floor; null when unknown. */
  cost: Money | null
}

/** One promotion given on one line. */
export interface LineGrant {
  promotionId: number
  code: string
  /** Amount off the whole line, 2 decimals. */
  amount: Money
  description: string
  /** What the price floor held back (0 when nothing). */
  clamped: Money
  floor: Money
  floorSource: 'cost' | 'minimum'
}

/** A promotion that the floor stopped entirely on a line. */
export interface LineBlocked {
  promotionId: number
  code: string
  held: Money
  floor: Money
  floorSource: 'cost' | 'minimum'
}

/** What the promotions do to one order. */
export interface PromotionPlan {
  lines: Map<number, { grants: LineGrant[]; blocked: LineBlocked[]; promotionId: number | null }>
  freeShipping: { promotionId: number; code: string; threshold: Money } | null
  /** Per promotion given: the discount over all lines (free shipping: 0). */
  given: Map<number, { code: string; couponCode: string | null; discount: Money }>
}
