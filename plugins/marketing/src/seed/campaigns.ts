import { insertRows } from '@plume/core'
import type { Knex } from 'knex'

const DAY = 86_400_000

interface CampaignSeed {
  code: string
  name: string
  status: string
  /** Days from now (negative: in the past). */
  from: number
  to: number
  budget: string
  target?: 'segment' | 'tier'
  promotions: Array<Record<string, unknown>>
}

/**
 * A year of marketing: finished seasonal campaigns, running ones (a welcome coupon, a partner
 * volume drive), one scheduled, one paused and a draft, each with its promotions dated to the
 * campaign — percent, fixed-amount coupon, buy-x-get-y, quantity tiers and free shipping.
 * Running promotions price new orders like any other.
 */
export async function seedCampaigns(
  trx: Knex.Transaction,
  now = Date.now(),
): Promise<{ campaigns: number; promotions: number }> {
  const categories = (await trx('product_categories').select('id').orderBy('id')) as Array<{ id: number }>
  const products = (await trx('products')
    .select('id')
    .where('active', true)
    .orderBy('id')
    .limit(20)) as Array<{ id: number }>
  const segment = (await trx('segments').select('id').where('code', 'HORECA').first()) as
    { id: number } | undefined
  const tier = (await trx('partner_tiers').select('id').where('code', 'GOLD').first()) as
    { id: number } | undefined
  if (!categories.length || !products.length) return { campaigns: 0, promotions: 0 }
  const cat = (i: number) => categories[i % categories.length]!.id
  const prod = (i: number) => products[i % products.length]!.id
  const list: CampaignSeed[] = [
    {
      code: 'SPRING-RESTOCK',
      name: 'Spring restock',
      status: 'completed',
      from: -300,
      to: -260,
      budget: '50000.00',
      promotions: [
        {
          code: 'SPRING10',
          name: '10 % off the spring range',
          kind: 'percent',
          percentOff: 10,
          categoryId: cat(0),
        },
      ],
    },
    {
      code: 'SUMMER-DRINKS',
      name: 'Summer beverages',
      status: 'completed',
      from: -200,
      to: -150,
      budget: '80000.00',
      target: 'segment',
      promotions: [
        {
          code: 'SUMMER-3FOR2',
          name: 'Buy 2 get 1 free',
          kind: 'buy_x_get_y',
          buyQuantity: 2,
          getQuantity: 1,
          productId: prod(3),
        },
        {
          code: 'SUMMER-TIERS',
          name: 'Bulk tiers on beverages',
          kind: 'tiered',
          tiers: [
            { minQuantity: 20, percentOff: '5' },
            { minQuantity: 50, percentOff: '8' },
          ],
          categoryId: cat(1),
        },
      ],
    },
    {
      code: 'MID-AUTUMN',
      name: 'Mid-autumn festival',
      status: 'completed',
      from: -110,
      to: -85,
      budget: '60000.00',
      promotions: [
        {
          code: 'MOONCAKE15',
          name: '15 % off festival gifts',
          kind: 'percent',
          percentOff: 15,
          categoryId: cat(2),
        },
      ],
    },
    {
      code: 'WELCOME',
      name: 'New customer welcome',
      status: 'active',
      from: -60,
      to: 120,
      budget: '25000.00',
      promotions: [
        {
          code: 'WELCOME50',
          name: '50.00 off a first order over 500.00',
          kind: 'fixed',
          amountOff: '50.00',
          minOrderTotal: '500.00',
          couponCode: 'WELCOME50',
          usageLimit: 500,
        },
      ],
    },
    {
      code: 'PARTNER-Q-DRIVE',
      name: 'Partner volume drive',
      status: 'active',
      from: -20,
      to: 40,
      budget: '120000.00',
      target: 'tier',
      promotions: [
        {
          code: 'VOLUME-TIERS',
          name: 'Volume tiers for partners',
          kind: 'tiered',
          tiers: [
            { minQuantity: 50, percentOff: '3' },
            { minQuantity: 100, percentOff: '5' },
          ],
          categoryId: cat(3),
        },
        {
          code: 'SHIP-FREE-2000',
          name: 'Free shipping over 2,000.00',
          kind: 'free_shipping',
          minOrderTotal: '2000.00',
        },
      ],
    },
    {
      code: 'YEAR-END',
      name: 'Year-end clearance',
      status: 'scheduled',
      from: 25,
      to: 55,
      budget: '40000.00',
      promotions: [
        {
          code: 'CLEAR20',
          name: '20 % off clearance items',
          kind: 'percent',
          percentOff: 20,
          productId: prod(7),
        },
      ],
    },
    {
      code: 'WEEKEND-SHIP',
      name: 'Free shipping weekends',
      status: 'paused',
      from: -30,
      to: 30,
      budget: '10000.00',
      promotions: [
        {
          code: 'WEEKEND-FREESHIP',
          name: 'Free shipping on weekend orders',
          kind: 'free_shipping',
          minOrderTotal: '300.00',
          couponCode: 'WEEKEND',
          active: false,
        },
      ],
    },
    {
      code: 'LUNAR-NEW-YEAR',
      name: 'Lunar New Year gifting',
      status: 'draft',
      from: 60,
      to: 80,
      budget: '90000.00',
      promotions: [],
    },
  ]
  const at = (days: number) => new Date(now + days * DAY).toISOString()
  const campaigns = await insertRows<{ id: number }>(
    trx,
    'campaigns',
    list.map((c) => ({
      code: c.code,
      name: c.name,
      status: c.status,
      startsAt: at(c.from),
      endsAt: at(c.to),
      budget: c.budget,
      targetSegmentId: c.target === 'segment' ? (segment?.id ?? null) : null,
      targetTierId: c.target === 'tier' ? (tier?.id ?? null) : null,
      createdAt: at(Math.min(c.from - 14, -1)),
      updatedAt: at(Math.min(c.to, -1)),
    })),
  )
  const promotions = list.flatMap((c, i) =>
    c.promotions.map((p) => ({
      ...p,
      tiers: p.tiers === undefined ? null : JSON.stringify(p.tiers),
      campaignId: campaigns[i]!.id,
      startsAt: at(c.from),
      endsAt: at(c.to),
      // finished campaigns' promotions are switched off; running and scheduled ones wait for their dates
      active: p.active ?? !['completed', 'cancelled'].includes(c.status),
      createdAt: at(Math.min(c.from - 14, -1)),
      updatedAt: at(Math.min(c.to, -1)),
    })),
  )
  await insertRows(trx, 'promotions', promotions)
  return { campaigns: campaigns.length, promotions: promotions.length }
}
