import type { Knex } from 'knex'

/**
 * Which agreement wins when an order's customer has a contract price list and its partner has
 * one too: `customer` (default — the more specific agreement) or `partner`.
 * Set with `PLUME_PRICE_LIST_PRECEDENCE`; see docs/orders.md "Pricing".
 */
export type PriceListPrecedence = 'customer' | 'partner'

export const PRICE_LIST_PRECEDENCES: readonly PriceListPrecedence[] = ['customer', 'partner']

/**
 * Reads `PLUME_PRICE_LIST_PRECEDENCE` (unset or empty → `customer`); any other value stops the
 * start with a message naming the setting, rather than pricing orders by a guess.
 * @example priceListPrecedence({ PLUME_PRICE_LIST_PRECEDENCE: 'partner' }) // 'partner'
 */
export function priceListPrecedence(env: NodeJS.ProcessEnv = process.env): PriceListPrecedence {
  const raw = (env.PLUME_PRICE_LIST_PRECEDENCE ?? '').trim().toLowerCase()
  if (raw === '') return 'customer'
  if ((PRICE_LIST_PRECEDENCES as readonly string[]).includes(raw)) return raw as PriceListPrecedence
  throw new Error(
    `PLUME_PRICE_LIST_PRECEDENCE must be one of ${PRICE_LIST_PRECEDENCES.join(', ')} (got "${raw}")`,
  )
}

/**
 * The one precedence rule, for the order hooks and the demo seed alike: the winning list of the
 * two candidates, falling back to the other one, else none (lines then use the product list price).
 * @example pickPriceList('customer', { customer: 12, partner: 3 }) // 12
 */
export function pickPriceList(
  precedence: PriceListPrecedence,
  lists: { customer: number | null | undefined; partner: number | null | undefined },
): number | null {
  const [first, second] =
    precedence === 'customer' ? [lists.customer, lists.partner] : [lists.partner, lists.customer]
  return first ?? second ?? null
}

/**
 * The price list an order buys from: the customer's contract list or its partner's list, the one
 * `precedence` names winning when both exist, else the other, else none.
 * @example const priceListId = await resolvePriceList(trx, { partnerId: 3, customerId: 10 }, 'customer')
 */
export async function resolvePriceList(
  db: Knex | Knex.Transaction,
  order: { partnerId?: number | null; customerId?: number | null },
  precedence: PriceListPrecedence,
): Promise<number | null> {
  const res = await db.raw(
    `select (select "priceListId" from partners where id = :partnerId::int) as partner,
            (select "priceListId" from customers where id = :customerId::int) as customer`,
    { partnerId: order.partnerId ?? null, customerId: order.customerId ?? null },
  )
  const row = (res as { rows: Array<{ partner: number | null; customer: number | null }> }).rows[0]
  return pickPriceList(precedence, { customer: row?.customer, partner: row?.partner })
}
