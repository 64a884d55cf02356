import { fileURLToPath } from 'node:url'
import { definePlugin, systemOnly } from '@plume/core'
import type { OrdersApi } from '@plume/plugin-orders'
import { checkCoupons, redeemPromotions, releasePromotions } from './hooks/redeem.js'
import { promotionsStep } from './promotions/step.js'
import { seedCampaigns } from './seed/campaigns.js'
import { campaignResultsService } from './services/campaign-results.js'

export { planPromotions, choose, pickTier } from './promotions/engine.js'
export type { PromotionRule, PromoLine, PromotionPlan, LineGrant } from './promotions/types.js'
export type { CampaignResult } from './services/campaign-results.js'

/** What `ctx.use('marketing')` returns. */
export interface MarketingApi {
  /** Name of the pricing step promotions run in (`promotions`, order 500). */
  pricingStep: string
}

const removers = new WeakMap<object, Array<() => void>>()
const guard = [systemOnly()]

/**
 * Marketing: campaigns, promotions (percent, fixed, buy X get Y, tiered, free shipping) applied
 * by the orders pricing pipeline with stacking, exclusivity and price floors; coupon codes with
 * usage limits counted at submit; campaign results. See docs/marketing.md.
 */
export default definePlugin<MarketingApi>({
  name: 'marketing',
  version: '1.0.0',
  description: {
    en: 'Campaigns, promotions and coupons in order pricing',
    'zh-CN': '营销活动、促销与优惠码定价',
  },
  dependsOn: ['orders', 'crm', 'partners'],
  entities: [fileURLToPath(new URL('../entities', import.meta.url))],
  hooks: {
    promotionRedemption: { create: guard, update: guard, patch: guard, remove: guard },
  },
  services: {
    'api/campaign-results': (ctx) => campaignResultsService(ctx.knex),
  },
  setup(ctx) {
    // setup runs on every start and on re-enable: drop what an earlier setup of this app added
    for (const remove of removers.get(ctx.app) ?? []) remove()
    const orders = ctx.use<OrdersApi>('orders')
    removers.set(ctx.app, [
      orders.addPricingStep(promotionsStep),
      orders.addTransitionHook(checkCoupons()),
      orders.addTransitionHook(redeemPromotions()),
      orders.addTransitionHook(releasePromotions()),
    ])
    return { pricingStep: promotionsStep.name }
  },
  disable(ctx) {
    for (const remove of removers.get(ctx.app) ?? []) remove()
    removers.delete(ctx.app)
    return Promise.resolve()
  },
  async seed(ctx) {
    const started = performance.now()
    const n = await ctx.knex.transaction((trx) => seedCampaigns(trx))
    ctx.logger.info(
      `marketing demo data (${n.campaigns} campaigns, ${n.promotions} promotions) in ${Math.round(performance.now() - started)} ms`,
    )
  },
})
