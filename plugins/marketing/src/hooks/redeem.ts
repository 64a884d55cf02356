import { money } from '@plume/core'
import { Conflict } from '@feathersjs/errors'
import type { Knex } from 'knex'
import { type TransitionHook } from '@plume/plugin-orders'
import { couponCodesOf, loadBuyer, VALID_PROMOTION } from '../promotions/load.js'
import { plannedFor } from '../promotions/step.js'

/**
 * Before submit: every coupon code on the order must name a promotion that is valid now
 * (409 otherwise, so a buyer never submits believing a dead coupon counts).
 */
export const checkCoupons = (): TransitionHook => ({
  name: 'marketing:check-coupons',
  actions: ['submit'],
  async before(ctx) {
    // the order row is locked and read by the transition: its codes are current
    const couponCodes =
      'couponCodes' in ctx.order
        ? couponCodesOf(ctx.order.couponCodes)
        : (await loadBuyer(ctx.trx, ctx.order.id)).couponCodes
    if (couponCodes.length === 0) return
    const res = await ctx.trx.raw(
      `select p."couponCode" from promotions p left join campaigns c on c.id = p."campaignId" where p."couponCode" = any(:codes::text[]) and ${VALID_PROMOTION}`,
      { codes: couponCodes, at: new Date().toISOString() },
    )
    const valid = new Set((res as { rows: Array<{ couponCode: string }> }).rows.map((r) => r.couponCode))
    const bad = couponCodes.filter((c) => !valid.has(c))
    if (bad.length) throw new Conflict(`Coupon code ${bad.join(', ')} is not valid`, { couponCodes: bad })
  },
})

/** Counts one use of a promotion unless its limit is reached; false when it is. */
export async function countUse(trx: Knex.Transaction, promotionId: number): Promise<boolean> {
  const n = await trx('promotions')
    .where('id', promotionId)
    .andWhere((q) => q.whereNull('usageLimit').orWhere('usageCount', '<', trx.ref('usageLimit')))
    .update({ usageCount: trx.raw('"usageCount" + 1') })
  return Number(n) === 1
}

/**
 * After submit (prices are final): counts one use of every promotion the order got — one atomic
 * `update … where "usageCount" < "usageLimit"`, in id order so concurrent submits cannot
 * deadlock — and records a redemption with the discount given. A used-up promotion is a 409 and
 * the whole submit rolls back.
 */
export const redeemPromotions = (): TransitionHook => ({
  name: 'marketing:redeem',
  actions: ['submit'],
  async after(ctx) {
    const plan = plannedFor(ctx.trx, ctx.order.id)
    if (!plan || plan.given.size === 0) return
    const given = [...plan.given.entries()].sort(([a], [b]) => a - b)
    for (const [promotionId, g] of given) {
      if (!(await countUse(ctx.trx, promotionId))) {
        throw new Conflict(
          g.couponCode ? `Coupon code ${g.couponCode} is used up` : `Promotion ${g.code} is used up`,
          { promotionId, couponCode: g.couponCode },
        )
      }
    }
    const customerId = ctx.order.customerId as number
    await ctx.trx('promotion_redemptions').insert(
      given.map(([promotionId, g]) => ({
        promotionId,
        orderId: ctx.order.id,
        customerId,
        couponCode: g.couponCode,
        discount: money(g.discount),
        status: 'redeemed',
      })),
    )
  },
})

/** After cancel of a submitted order: its promotion uses are given back. */
export const releasePromotions = (): TransitionHook => ({
  name: 'marketing:release',
  actions: ['cancel'],
  async after(ctx) {
    const rows = (await ctx
      .trx('promotion_redemptions')
      .where({ orderId: ctx.order.id, status: 'redeemed' })
      .orderBy('promotionId')
      .select('id', 'promotionId')) as Array<{ id: number; promotionId: number }>
    for (const r of rows)
      await ctx
        .trx('promotions')
        .where('id', r.promotionId)
        .where('usageCount', '>', 0)
        .update({ usageCount: ctx.trx.raw('"usageCount" - 1') })
    if (rows.length)
      await ctx
        .trx('promotion_redemptions')
        .whereIn(
          'id',
          rows.map((r) => r.id),
        )
        .update({ status: 'released', updatedAt: ctx.trx.fn.now() })
  },
})
