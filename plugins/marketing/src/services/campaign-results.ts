import { Money, money } from '@plume/core'
import { NotFound } from '@feathersjs/errors'
import type { Id } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import { campaignResultsDocs } from './docs.js'

export interface CampaignResult {
  campaignId: number
  code: string
  name: string
  status: string
  currency: string | null
  /** Orders (submitted or later, not cancelled) that got at least one of the campaign's promotions. */
  orders: number
  /** Net sales of those orders: Σ (total − tax), after every discount, before tax — exact. */
  netSales: string
  /** Σ tax of those orders. */
  tax: string
  /** Gross sales: Σ order totals, tax included (= netSales + tax). */
  grossSales: string
  /** Σ discounts the campaign's promotions gave on them, exact. */
  discount: string
  budget: string | null
  /** budget − discount, or null without a budget. */
  budgetRemaining: string | null
}

/**
 * One row per campaign from SQL aggregates: each order is counted once per campaign (several of
 * its promotions on one order add their discounts, not the order twice).
 */
async function results(knex: Knex, campaignId?: number): Promise<CampaignResult[]> {
  const res = await knex.raw(
    `with per_order as (
        select p."campaignId", r."orderId", sum(r.discount) as discount
          from promotion_redemptions r
          join promotions p on p.id = r."promotionId"
          join orders o on o.id = r."orderId"
         where r.status = 'redeemed' and o.status not in ('draft', 'cancelled') and p."campaignId" is not null
         group by p."campaignId", r."orderId")
     select c.id as "campaignId", c.code, c.name, c.status, c.budget::text as budget, min(o.currency) as currency,
            count(po."orderId")::int as orders, coalesce(sum(o.total - o."taxTotal"), 0)::text as "netSales",
            coalesce(sum(o."taxTotal"), 0)::text as tax, coalesce(sum(o.total), 0)::text as "grossSales", coalesce(sum(po.discount), 0)::text as discount
       from campaigns c
       left join per_order po on po."campaignId" = c.id
       left join orders o on o.id = po."orderId"
      where (?::int is null or c.id = ?::int)
      group by c.id
      order by c.id`,
    [campaignId ?? null, campaignId ?? null],
  )
  return (res as { rows: Array<Omit<CampaignResult, 'budgetRemaining'>> }).rows.map((r) => ({
    ...r,
    netSales: money(r.netSales),
    tax: money(r.tax),
    grossSales: money(r.grossSales),
    discount: money(r.discount),
    budget: r.budget === null ? null : money(r.budget),
    budgetRemaining: r.budget === null ? null : money(new Money(r.budget).minus(r.discount)),
  }))
}

/**
 * `GET /api/campaign-results` (all campaigns) and `GET /api/campaign-results/:campaignId`:
 * orders, net sales, tax, gross sales and discount given per campaign.
 * @example const [summer] = await app.service('api/campaign-results').find()
 */
export function campaignResultsService(knex: Knex) {
  return {
    docs: campaignResultsDocs,
    async find(): Promise<CampaignResult[]> {
      return results(knex)
    },
    async get(id: Id): Promise<CampaignResult> {
      const campaignId = Number(id)
      if (!Number.isInteger(campaignId) || campaignId <= 0)
        throw new NotFound(`No campaign with id ${String(id).slice(0, 40)}`)
      const [row] = await results(knex, campaignId)
      if (!row) throw new NotFound(`No campaign with id ${campaignId}`)
      return row
    },
  }
}
