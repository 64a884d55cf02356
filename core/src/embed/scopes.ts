/**
 * What each embed scope reaches: service paths (as Feathers names them) and methods. An embed
 * principal (a publishable key or an embed session) may call nothing else — not users, rules,
 * keys, meta or audit — and the permission rules of its partner roles still apply on top, so a
 * scope can only narrow what the partner's own users may do, never widen it.
 */
export type EmbedScope =
  | 'catalog:read'
  | 'orders:create'
  | 'orders:read'
  | 'orders:read:own-customer'
  | 'dashboard:read'
  | 'invoices:read'

export const EMBED_SCOPES: readonly EmbedScope[] = [
  'catalog:read',
  'orders:create',
  'orders:read',
  'orders:read:own-customer',
  'dashboard:read',
  'invoices:read',
]

/** What a publishable key (`pk_…`) may do: the partner's public catalog, prices and availability. */
export const PUBLISHABLE_SCOPES: readonly EmbedScope[] = ['catalog:read']

/** Scopes that show figures across the partner's customers: refused in a session bound to one customer. */
export const PARTNER_WIDE_SCOPES: ReadonlySet<EmbedScope> = new Set(['dashboard:read'])

const READ = ['find', 'get']
const CATALOG: Record<string, string[]> = {
  'api/products': READ,
  'api/product-categories': READ,
  'api/stock-levels': READ,
  'api/warehouses': READ,
  // prices: the quote runs the partner's pricing pipeline and writes nothing
  'api/order-quotes': ['create'],
  // a signed tracking link's view (public: the link is the credential; core/src/embed/tracking.ts)
  'api/order-tracking': ['create'],
}
const ORDERS_READ: Record<string, string[]> = { 'api/orders': READ, 'api/order-lines': READ }

const TABLE: Record<EmbedScope, Record<string, string[]>> = {
  'catalog:read': CATALOG,
  'orders:create': {
    'api/orders': ['create'],
    'api/orders/:id/submit': ['create'],
    'api/order-quotes': ['create'],
    'api/customers': READ,
  },
  'orders:read': ORDERS_READ,
  'orders:read:own-customer': ORDERS_READ,
  'dashboard:read': {
    ...ORDERS_READ,
    'api/aggregates': READ,
    'api/partners': READ,
    'api/commission-accruals': READ,
    'api/invoices': READ,
  },
  'invoices:read': { 'api/invoices': READ, 'api/invoice-lines': READ },
}

/**
 * Whether one of `scopes` lets an embed principal call `method` on `path`.
 * @example allowedByScopes('api/products', 'find', ['catalog:read']) // true
 */
export function allowedByScopes(path: string, method: string, scopes: readonly string[]): boolean {
  return scopes.some((s) => TABLE[s as EmbedScope]?.[path]?.includes(method) === true)
}

/** Whether `value` is a known scope. */
export const isEmbedScope = (value: unknown): value is EmbedScope =>
  typeof value === 'string' && (EMBED_SCOPES as readonly string[]).includes(value)
