import type { Knex } from 'knex'
import { Money, money, type PricingContext, type PricingStep } from '@plume/plugin-orders'
import { planPromotions } from './engine.js'
import { loadBuyer, loadProducts, loadPromotions } from './load.js'
import type { PromotionPlan } from './types.js'

export const PROMOTIONS_STEP = 'promotions'

const planning = new WeakMap<object, Promise<PromotionPlan>>()
const lastPlans = new WeakMap<Knex.Transaction, Map<number, PromotionPlan>>()

/** The plan the promotions step made for an order in this transaction (the submit reads it). */
export function plannedFor(trx: Knex.Transaction, orderId: number): PromotionPlan | undefined {
  return lastPlans.get(trx)?.get(orderId)
}

async function plan(ctx: PricingContext): Promise<PromotionPlan> {
  const buyer = await loadBuyer(ctx.trx, ctx.order.id)
  const [promotions, products] = await Promise.all([loadPromotions(ctx.trx, buyer, new Date()), loadProducts(ctx.trx, ctx.lines.map((l) => l.productId))])
  const lines = ctx.lines.map((l) => {
    const p = products.get(l.productId)
    return { id: l.id, productId: l.productId, categoryId: p?.categoryId ?? null, quantity: l.quantity, unitPrice: l.unitPrice, cost: p?.cost == null ? null : new Money(p.cost) }
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

const floorText = (f: { floor: Money; floorSource: 'cost' | 'minimum' }) => `${money(f.floor)}/unit (${f.floorSource === 'cost' ? 'product cost' : 'promotion minimum'})`

/**
 * `promotions` (order 500): after the base price, before tax. Line scope: records each promotion
 * given (`discount`) and what the price floor held back (`info`), and names the line's promotion.
 * Order scope: free shipping (order adjustment + `order.freeShipping`) and writes `promotionId`.
 * @example orders.addPricingStep(promotionsStep)
 */
export const promotionsStep: PricingStep = {
  name: PROMOTIONS_STEP,
  order: 500,
  async apply(ctx) {
    const plan = await planOf(ctx)
    if (ctx.scope === 'line') {
      const mine = plan.lines.get(ctx.line.id)
      ctx.line.promotionId = mine?.promotionId ?? null
      for (const g of mine?.grants ?? []) {
        ctx.adjust({ step: PROMOTIONS_STEP, kind: 'discount', amount: g.amount, description: g.description })
        if (g.clamped.greaterThan(0)) ctx.adjust({ step: PROMOTIONS_STEP, kind: 'info', amount: g.clamped, description: `${g.code}: ${money(g.clamped)} held back by the price floor ${floorText(g)}` })
      }
      for (const b of mine?.blocked ?? []) ctx.adjust({ step: PROMOTIONS_STEP, kind: 'info', amount: b.held, description: `${b.code}: not given, the price is at its floor ${floorText(b)}` })
      return
    }
    if (plan.freeShipping) ctx.adjust({ step: PROMOTIONS_STEP, kind: 'info', amount: plan.freeShipping.threshold, description: `${plan.freeShipping.code}: free shipping from ${money(plan.freeShipping.threshold)}` })
    await write(ctx.trx, ctx.order.id, plan, ctx.lines.map((l) => l.id))
    const plans = lastPlans.get(ctx.trx) ?? new Map<number, PromotionPlan>()
    plans.set(ctx.order.id, plan)
    lastPlans.set(ctx.trx, plans)
  },
}

/** The pricing engine writes prices, not `promotionId` or the order's free-shipping flag: this does. */
async function write(trx: Knex.Transaction, orderId: number, plan: PromotionPlan, lineIds: number[]): Promise<void> {
  if (lineIds.length) {
    const values = lineIds.map(() => '(?::int, ?::int)').join(', ')
    await trx.raw(`update order_lines as l set "promotionId" = v.pid from (values ${values}) as v(id, pid) where l.id = v.id and l."promotionId" is distinct from v.pid`, lineIds.flatMap((id) => [id, plan.lines.get(id)?.promotionId ?? null]))
  }
  const free = plan.freeShipping !== null
  await trx('orders').where('id', orderId).whereRaw('"freeShipping" is distinct from ?', [free]).update({ freeShipping: free })
}
