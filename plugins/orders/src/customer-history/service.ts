import { Decimal } from 'decimal.js'
import { NotFound } from '@feathersjs/errors'
import type { Id } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import { customerHistoryDocs } from './docs.js'

/** Orders that count as purchases (not drafts, not cancelled). */
export const PURCHASE_STATES = ['submitted', 'approved', 'shipped', 'delivered', 'closed']

export interface PurchaseHistory {
  customerId: number
  orders: number
  /** Exact decimal string, e.g. "12345.60". */
  totalSpent: string
  currency: string
  lastOrderDate: string | null
  topProducts: Array<{ productId: number; sku: string; name: string; quantity: number; amount: string }>
}

interface Params {
  provider?: string
  user?: { partnerId?: number | null }
  query?: Record<string, unknown>
}

/**
 * `GET /api/customer-history/:customerId`: orders count, total spent (exact), last order date
 * and the five most bought products. Partner users see only their own partner's customers.
 * @example const h = await app.service('api/customer-history').get(42)
 */
export function customerHistoryService(knex: Knex) {
  return {
    docs: customerHistoryDocs,
    async get(id: Id, params?: Params): Promise<PurchaseHistory> {
      const customerId = Number(id)
      if (!Number.isInteger(customerId) || customerId <= 0)
        throw new NotFound(`No customer with id ${String(id).slice(0, 40)}`)
      const customer = (await knex('customers')
        .select('id', 'partnerId', 'currency')
        .where('id', customerId)
        .first()) as { id: number; partnerId: number | null; currency: string } | undefined
      const partnerId = params?.provider ? params.user?.partnerId : undefined
      if (!customer || (partnerId && customer.partnerId !== partnerId))
        throw new NotFound(`No customer with id ${customerId}`)
      const summary = (await knex('orders')
        .where({ customerId })
        .whereIn('status', PURCHASE_STATES)
        .select(
          knex.raw('count(*)::int as orders'),
          knex.raw('coalesce(sum(total), 0)::text as spent'),
          knex.raw('max("orderDate") as last'),
        )
        .first()) as { orders: number; spent: string; last: Date | string | null }
      const top = (await knex('order_lines as l')
        .join('orders as o', 'o.id', 'l.orderId')
        .join('products as p', 'p.id', 'l.productId')
        .where('o.customerId', customerId)
        .whereIn('o.status', PURCHASE_STATES)
        .groupBy('l.productId', 'p.sku', 'p.name')
        .select(
          'l.productId as productId',
          'p.sku',
          'p.name',
          knex.raw('sum(l.quantity)::int as quantity'),
          knex.raw('coalesce(sum(l."lineTotal"), 0)::text as amount'),
        )
        .orderBy([
          { column: 'quantity', order: 'desc' },
          { column: 'productId', order: 'asc' },
        ])
        .limit(5)) as PurchaseHistory['topProducts']
      const last = summary.last === null ? null : new Date(summary.last).toISOString()
      return {
        customerId,
        orders: summary.orders,
        totalSpent: new Decimal(summary.spent).toFixed(2),
        currency: customer.currency,
        lastOrderDate: last,
        topProducts: top.map((t) => ({ ...t, amount: new Decimal(t.amount).toFixed(2) })),
      }
    },
  }
}
