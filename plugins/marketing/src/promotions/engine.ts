import { Money, money } from '@plume/core'
import type { LineBlocked, LineGrant, PromoLine, PromotionPlan, PromotionRule } from './types.js'

const ZERO = new Money(0)
const cents = (v: Money): Money => new Money(money(v))

const matches = (p: PromotionRule, l: PromoLine): boolean =>
  (p.productId === null || p.productId === l.productId) &&
  (p.categoryId === null || p.categoryId === l.categoryId)
const gross = (l: PromoLine): Money => cents(l.unitPrice.times(l.quantity))
const scoped = (p: PromotionRule): boolean => p.productId !== null || p.categoryId !== null

/** The tier of a `tiered` promotion for a quantity: the highest `minQuantity` ≤ quantity. */
export function pickTier(
  tiers: PromotionRule['tiers'],
  quantity: number,
): { minQuantity: number; percentOff: string } | undefined {
  let best: { minQuantity: number; percentOff: number | string } | undefined
  for (const t of tiers ?? [])
    if (t.minQuantity <= quantity && (!best || t.minQuantity > best.minQuantity)) best = t
  return best && { minQuantity: best.minQuantity, percentOff: String(best.percentOff) }
}

/**
 * A fixed amount off the whole order (a `fixed` promotion without product or category) spread
 * over the lines by their value, in cents; the last line takes the rounding rest.
 */
function spreadOrderAmount(p: PromotionRule, lines: PromoLine[]): Map<number, Money> {
  const out = new Map<number, Money>()
  const total = lines.reduce((s, l) => s.plus(gross(l)), ZERO)
  if (total.isZero()) return out
  const amount = Money.min(new Money(p.amountOff ?? 0), total)
  let rest = amount
  lines.forEach((l, i) => {
    const share = i === lines.length - 1 ? rest : cents(amount.times(gross(l)).div(total))
    rest = rest.minus(share)
    out.set(l.id, share)
  })
  return out
}

/** What one promotion would take off one line, before the price floor, and how to say it. */
function rawDiscount(
  p: PromotionRule,
  l: PromoLine,
  orderShares: Map<number, Map<number, Money>>,
): { amount: Money; text: string } | null {
  if (p.kind === 'free_shipping' || !matches(p, l)) return null
  const g = gross(l)
  switch (p.kind) {
    case 'percent':
      return p.percentOff === null
        ? null
        : {
            amount: cents(g.times(p.percentOff).div(100)),
            text: `${new Money(p.percentOff).toString()}% off`,
          }
    case 'fixed':
      if (p.amountOff === null) return null
      if (scoped(p))
        return {
          amount: Money.min(cents(new Money(p.amountOff).times(l.quantity)), g),
          text: `${money(p.amountOff)} off each unit`,
        }
      return {
        amount: orderShares.get(p.id)?.get(l.id) ?? ZERO,
        text: `share of ${money(p.amountOff)} off the order`,
      }
    case 'buy_x_get_y': {
      const buy = p.buyQuantity ?? 0
      const get = p.getQuantity ?? 0
      if (buy < 1 || get < 1) return null
      const free = Math.floor(l.quantity / (buy + get)) * get
      return { amount: cents(l.unitPrice.times(free)), text: `buy ${buy} get ${get} free: ${free} free` }
    }
    case 'tiered': {
      const tier = pickTier(p.tiers, l.quantity)
      return tier
        ? {
            amount: cents(g.times(tier.percentOff).div(100)),
            text: `${new Money(tier.percentOff).toString()}% off from ${tier.minQuantity} units`,
          }
        : null
    }
  }
}

/**
 * Which promotions a line gets: the exclusive one with the highest priority alone (ties: the
 * larger discount, then the older promotion); otherwise the best non-stackable one (largest
 * discount, then priority) together with every stackable one, applied by priority.
 */
export function choose<T extends { p: PromotionRule; amount: Money }>(candidates: T[]): T[] {
  const exclusive = candidates.filter((c) => c.p.exclusive)
  if (exclusive.length) {
    exclusive.sort((a, b) => b.p.priority - a.p.priority || b.amount.comparedTo(a.amount) || a.p.id - b.p.id)
    return [exclusive[0]!]
  }
  const single = candidates
    .filter((c) => !c.p.stackable)
    .sort((a, b) => b.amount.comparedTo(a.amount) || b.p.priority - a.p.priority || a.p.id - b.p.id)[0]
  const chosen = [...(single ? [single] : []), ...candidates.filter((c) => c.p.stackable)]
  return chosen.sort((a, b) => b.p.priority - a.p.priority || a.p.id - b.p.id)
}

/** The unit price floor of a promotion on a line: the higher of the product cost and the promotion's minimum. */
function floorOf(p: PromotionRule, l: PromoLine): { unit: Money; source: 'cost' | 'minimum' } {
  const cost = l.cost ?? ZERO
  const min = p.minUnitPrice === null ? ZERO : new Money(p.minUnitPrice)
  return min.greaterThan(cost) ? { unit: min, source: 'minimum' } : { unit: cost, source: 'cost' }
}

/**
 * Plans the promotions of one order. `promotions` are those valid for the order (window,
 * campaign, coupon codes); `minOrderTotal` is checked here against the order's value at base
 * prices. Discounts are in cents; a line never goes below its floor × quantity.
 * @example planPromotions(lines, promotions).lines.get(lineId)?.grants
 */
export function planPromotions(lines: PromoLine[], promotions: PromotionRule[]): PromotionPlan {
  const orderValue = lines.reduce((s, l) => s.plus(gross(l)), ZERO)
  const eligible = promotions.filter(
    (p) => p.minOrderTotal === null || orderValue.greaterThanOrEqualTo(p.minOrderTotal),
  )
  const orderShares = new Map<number, Map<number, Money>>()
  for (const p of eligible)
    if (p.kind === 'fixed' && !scoped(p)) orderShares.set(p.id, spreadOrderAmount(p, lines))

  const plan: PromotionPlan = { lines: new Map(), freeShipping: null, given: new Map() }
  for (const l of lines) {
    const candidates = eligible.flatMap((p) => {
      const d = rawDiscount(p, l, orderShares)
      return d && d.amount.greaterThan(0) ? [{ p, amount: d.amount, text: d.text }] : []
    })
    const grants: LineGrant[] = []
    const blocked: LineBlocked[] = []
    let net = gross(l)
    for (const c of choose(candidates)) {
      const floor = floorOf(c.p, l)
      const room = Money.max(net.minus(cents(floor.unit.times(l.quantity))), ZERO)
      const amount = Money.min(c.amount, room)
      if (amount.isZero()) {
        blocked.push({
          promotionId: c.p.id,
          code: c.p.code,
          held: c.amount,
          floor: floor.unit,
          floorSource: floor.source,
        })
        continue
      }
      net = net.minus(amount)
      grants.push({
        promotionId: c.p.id,
        code: c.p.code,
        amount,
        description: `${c.p.code} (${c.p.name}): ${c.text}`,
        clamped: c.amount.minus(amount),
        floor: floor.unit,
        floorSource: floor.source,
      })
      const g = plan.given.get(c.p.id) ?? { code: c.p.code, couponCode: c.p.couponCode, discount: ZERO }
      plan.given.set(c.p.id, { ...g, discount: g.discount.plus(amount) })
    }
    // the line names the promotion that took the most off it (the first applied on a tie)
    const main = grants.reduce<LineGrant | null>(
      (best, g) => (!best || g.amount.greaterThan(best.amount) ? g : best),
      null,
    )
    plan.lines.set(l.id, { grants, blocked, promotionId: main?.promotionId ?? null })
  }
  const ship = eligible
    .filter((p) => p.kind === 'free_shipping')
    .sort((a, b) => b.priority - a.priority || a.id - b.id)[0]
  if (ship) {
    plan.freeShipping = {
      promotionId: ship.id,
      code: ship.code,
      threshold: new Money(ship.minOrderTotal ?? 0),
    }
    if (!plan.given.has(ship.id))
      plan.given.set(ship.id, { code: ship.code, couponCode: ship.couponCode, discount: ZERO })
  }
  return plan
}
