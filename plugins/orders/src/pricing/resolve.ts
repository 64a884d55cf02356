import type { Knex } from 'knex'

/**
 * The price list an order buys from: its partner's list, else its customer's, else none
 * (then lines use the product list price).
 * @example const priceListId = await resolvePriceList(trx, { partnerId: 3, customerId: 10 })
 */
export async function resolvePriceList(db: Knex | Knex.Transaction, order: { partnerId?: number | null; customerId?: number | null }): Promise<number | null> {
  if (order.partnerId) {
    const p = (await db('partners').select('priceListId').where('id', order.partnerId).first()) as { priceListId: number | null } | undefined
    if (p?.priceListId) return p.priceListId
  }
  if (order.customerId) {
    const c = (await db('customers').select('priceListId').where('id', order.customerId).first()) as { priceListId: number | null } | undefined
    if (c?.priceListId) return c.priceListId
  }
  return null
}
