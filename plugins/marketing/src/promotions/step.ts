import { Money, money } from '@plume/core'
import type { Knex } from 'knex'
import type { PricingContext, PricingStep } from '@plume/plugin-orders'
import { planPromotions } from './engine.js'
import { loadOrderPromotions, loadProducts } from './load.js'
import type { PromotionPlan, PromotionRule } from './types.js'

export const PROMOTIONS_STEP = 'promotions'

const planning = new WeakMap<object, Promise<PromotionPlan>>()
const lastPlans = new WeakMap<Knex.Transaction, Map<number, PromotionPlan>>()

/** The plan the promotions step made for an order in this transaction (the submit reads it). */
export function plannedFor(trx: Knex.Transaction, orderId: number): PromotionPlan | undefined {
  return lastPlans.get(trx)?.get(orderId)
}

/** The lines' `promotionId` as loaded, before this run changes them: `write` skips what stays. */
const loadedPromotion = new WeakMap<object, Map<number, number | null>>()

async function plan(ctx: PricingContext): Promise<PromotionPlan> {
  loadedPromotion.set(ctx.lines, new Map(ctx.lines.map((l) => [l.id, l.promotionId])))
  // read with the lines when the pricing run was loaded (on submit: right behind the order's lock)
  const promotions =
    (ctx.prefetched as PromotionRule[] | undefined) ??
    (await loadOrderPromotions(ctx.trx, ctx.order.id, new Date()))
  // no promotion can apply: no product facts to read
  const products = promotions.length
    ? await loadProducts(
        ctx.trx,
        ctx.lines.map((l) => l.productId),
      )
    : new Map<number, { categoryId: number | null; cost: string | null }>()
  const lines = ctx.lines.map((l) => {
    const p = products.get(l.productId)
    return {
      id: l.id,
      productId: l.productId,
      categoryId: p?.categoryId ?? null,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      cost: p?.cost == null ? null : new Money(p.cost),
    }
  })
  return planPromotions(lines, promotions)
}

/** Plans once per pricing run: the lines array is shared by every call of one run. */
function planOf(ctx: PricingContext): Promise<PromotionPlan> {
  let p = planning.get(ctx.lines)
  if (!p) {
    p = plan(ctx)
    planning.set(ctx.lines, p)
  }
  return p
}

const floorText = (f: { floor: Money; floorSource: 'cost' | 'minimum' }) =>
  `${money(f.floor)}/unit (${f.floorSource === 'cost' ? 'product cost' : 'promotion minimum'})`

/**
 * `promotions` (order 500): after the base price, before tax. Line scope: records each promotion
 * given (`discount`) and what the price floor held back (`info`), and names the line's promotion.
 * Order scope: free shipping (order adjustment + `order.freeShipping`) and writes `promotionId`.
 * @example orders.addPricingStep(promotionsStep)
 */
export const promotionsStep: PricingStep = {
  name: PROMOTIONS_STEP,
  order: 500,
  prefetch: (trx, orderId) => loadOrderPromotions(trx, orderId, new Date()),
  async apply(ctx) {
    const plan = await planOf(ctx)
    if (ctx.scope === 'line') {
      const mine = plan.lines.get(ctx.line.id)
      ctx.line.promotionId = mine?.promotionId ?? null
      for (const g of mine?.grants ?? []) {
        ctx.adjust({ step: PROMOTIONS_STEP, kind: 'discount', amount: g.amount, description: g.description })
        if (g.clamped.greaterThan(0))
          ctx.adjust({
            step: PROMOTIONS_STEP,
            kind: 'info',
            amount: g.clamped,
            description: `${g.code}: ${money(g.clamped)} held back by the price floor ${floorText(g)}`,
          })
      }
      for (const b of mine?.blocked ?? [])
        ctx.adjust({
          step: PROMOTIONS_STEP,
          kind: 'info',
          amount: b.held,
          description: `${b.code}: not given, the price is at its floor ${floorText(b)}`,
        })
      return
    }
    if (plan.freeShipping)
      ctx.adjust({
        step: PROMOTIONS_STEP,
        kind: 'info',
        amount: plan.freeShipping.threshold,
        description: `${plan.freeShipping.code}: free shipping from ${money(plan.freeShipping.threshold)}`,
      })
    await write(
      ctx.trx,
      ctx.order as { id: number; freeShipping?: unknown },
      plan,
      ctx.lines.map((l) => l.id),
      loadedPromotion.get(ctx.lines),
    )
    const plans = lastPlans.get(ctx.trx) ?? new Map<number, PromotionPlan>()
    plans.set(ctx.order.id, plan)
    lastPlans.set(ctx.trx, plans)
  },
}

/**
 * The pricing engine writes prices, not `promotionId` or the order's free-shipping flag: this
 * does, and only what changed (known from the lines as loaded and the order row when it has the flag).
 */
async function write(
  trx: Knex.Transaction,
  order: { id: number; freeShipping?: unknown },
  plan: PromotionPlan,
  lineIds: number[],
  loaded?: Map<number, number | null>,
): Promise<void> {
  const changed = lineIds.filter(
    (id) => !loaded?.has(id) || (loaded.get(id) ?? null) !== (plan.lines.get(id)?.promotionId ?? null),
  )
  if (changed.length) {
    const values = changed.map(() => '(?::int, ?::int)').join(', ')
    await trx.raw(
      `update order_lines as l set "promotionId" = v.pid from (values ${values}) as v(id, pid) where l.id = v.id and l."promotionId" is distinct from v.pid`,
      changed.flatMap((id) => [id, plan.lines.get(id)?.promotionId ?? null]),
    )
  }
  const free = plan.freeShipping !== null
  if (typeof order.freeShipping === 'boolean' && order.freeShipping === free) return
  await trx('orders')
    .where('id', order.id)
    .whereRaw('"freeShipping" is distinct from ?', [free])
    .update({ freeShipping: free })
}
