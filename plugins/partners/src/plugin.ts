import type { Knex } from 'knex'
import { createDemoUsers, definePlugin, normalizeFields } from '@plume/core'
import { bindPartnerUser, PARTNER_ROLE } from './hooks/bind-partner-user.js'
import { checkPartnerPriceList } from './hooks/check-partner-price-list.js'
import { seedPartners } from './seed/partners.js'

export { PARTNER_ROLE } from './hooks/bind-partner-user.js'

/** What `ctx.use('partners')` returns. */
export interface PartnersApi {
  /** The price list a partner buys from (`partner.priceListId`), or null. */
  priceListOf(db: Knex | Knex.Transaction, partnerId: number): Promise<number | null>
}

/**
 * Partners: tiers, territories, distributors and resellers, their own price lists, and partner
 * users bound to one partner (`user.partnerId`, role `partner_user`).
 */
export default definePlugin<PartnersApi>({
  name: 'partners',
  version: '1.0.0',
  description: {
    en: 'Distributors, resellers, tiers, territories and partner users',
    'zh-CN': '经销商、分销商、等级、区域与合作伙伴用户',
  },
  // products must exist before partner price lists are seeded
  dependsOn: ['inventory'],
  hooks: {
    user: { create: [bindPartnerUser()], update: [bindPartnerUser()], patch: [bindPartnerUser()] },
    // partner codes are stored upper-case; filters on them read the same way
    partner: {
      all: [normalizeFields({ code: 'upper' })],
      create: [checkPartnerPriceList()],
      update: [checkPartnerPriceList()],
      patch: [checkPartnerPriceList()],
    },
  },
  setup: () => ({
    async priceListOf(db, partnerId) {
      const row = (await db('partners').select('priceListId').where('id', partnerId).first()) as
        { priceListId: number | null } | undefined
      return row?.priceListId ?? null
    },
  }),
  async seed(ctx) {
    const started = performance.now()
    const { partners } = await ctx.knex.transaction((trx) => seedPartners(trx))
    // demo logins (printed once after seeding): an admin of the first partner, a user of each of the first three
    await createDemoUsers(ctx.app, [
      {
        email: 'partner.admin1@demo.plume.local',
        name: 'Partner admin 1',
        roles: ['partner_admin'],
        partnerId: partners[0]?.id,
        locale: 'zh-CN',
      },
      ...partners.slice(0, 3).map((p, i) => ({
        email: `partner${i + 1}@demo.plume.local`,
        name: `Partner user ${i + 1}`,
        roles: [PARTNER_ROLE],
        partnerId: p.id,
        locale: 'zh-CN' as const,
      })),
    ])
    ctx.logger.info(
      `partners demo data (${partners.length} partners with price lists) in ${Math.round(performance.now() - started)} ms`,
    )
  },
})
