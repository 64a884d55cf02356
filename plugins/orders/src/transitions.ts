import { BadRequest, Conflict, Forbidden, NotFound } from '@feathersjs/errors'
import type { Knex } from 'knex'
import { defer, prepared, type ActionContext, type PlumeApp } from '@plume/core'
import { idempotent } from './hooks/idempotency.js'
import type { LoadedLines } from './pricing/pipeline.js'
import type { PricingOrder } from './pricing/types.js'
import { registryOf } from './registry.js'
import { assertTransition, type OrderAction, type OrderStatus } from './state-machine.js'
import { shipment } from './ship-input.js'

export type OrderRow = Record<string, unknown> & {
  id: number
  number: string
  status: OrderStatus
  partnerId: number | null
  warehouseId: number
}
export interface OrderLineRow {
  id: number
  productId: number
  quantity: number
}

/** What a transition hook sees; throw a Feathers error from `before` or `after` to veto (all rolls back). */
export interface TransitionContext {
  app: PlumeApp
  trx: Knex.Transaction
  params: Record<string, unknown>
  action: OrderAction
  from: OrderStatus
  to: OrderStatus
  /** The order as it was before the transition (locked FOR UPDATE). */
  order: OrderRow
  lines: OrderLineRow[]
  /** The action's request body. */
  data: Record<string, unknown>
  /** After the transition: the updated order. */
  result?: OrderRow
  /** What the running hook's `prefetch` answered (undefined for a hook without one). */
  prefetched?: unknown
  /**
   * Runs `fn` once the transition's transaction has committed, holding no lock (before the
   * action answers). For derived data that may lag the change, e.g. risk scores; pair it with a
   * job queued in `trx` when it must survive a crash.
   */
  afterCommit(fn: () => Promise<void> | void): void
}

/**
 * A hook around order transitions, e.g. a credit check before `submit`/`approve`.
 * @example orders.addTransitionHook({ name: 'credit', actions: ['approve'], async before(ctx) { if (await overLimit(ctx)) throw new Conflict('Credit limit exceeded') } })
 */
export interface TransitionHook {
  name?: string
  /** Only for these actions (default: all). */
  actions?: OrderAction[]
  before?(ctx: TransitionContext): void | Promise<void>
  after?(ctx: TransitionContext): void | Promise<void>
  /**
   * Reads the hook needs, by order id, sent right behind the order's lock in the same round trip
   * (before the order row is known); `ctx.prefetched` holds the answer in `before` and `after`.
   */
  prefetch?(trx: Knex.Transaction, orderId: number): Promise<unknown>
}

/** The reads of one transition, sent together right behind the order's lock. */
export interface TransitionReads {
  trx: Knex.Transaction
  /** submit: the lines as pricing reads them, with the pricing steps' own reads. */
  loaded?: Promise<LoadedLines>
  hooks: Map<TransitionHook, Promise<unknown>>
}

const hooksFor = (app: PlumeApp, action: OrderAction) =>
  registryOf(app).transitionHooks.filter((h) => !h.actions || h.actions.includes(action))

/** Starts the reads of a transition (not awaited): the action layer sends them behind its lock (`prefetch`). */
export function transitionReads(
  app: PlumeApp,
  action: OrderAction,
  trx: Knex.Transaction,
  id: number,
): TransitionReads {
  const settle = <T>(p: Promise<T>) => (p.catch(() => undefined), p)
  const hooks = new Map<TransitionHook, Promise<unknown>>()
  const loaded = action === 'submit' ? settle(registryOf(app).pipeline.load(trx, id)) : undefined
  for (const h of hooksFor(app, action)) if (h.prefetch) hooks.set(h, settle(h.prefetch(trx, id)))
  return { trx, loaded, hooks }
}

/** Actions a partner user may run on their partner's orders; the rest is staff work. */
export const PARTNER_ACTIONS: readonly OrderAction[] = ['submit', 'cancel']

interface Caller {
  provider?: string
  user?: { id?: number; partnerId?: number | null }
}

function cancelReason(data: Record<string, unknown>): string | null | undefined {
  const r = data.reason ?? data.cancelReason
  if (r === undefined || r === null) return undefined
  if (typeof r !== 'string' || r.length > 500)
    throw new BadRequest('Invalid data: reason must be a string of at most 500 characters', {
      errors: [{ path: '/reason', message: 'must be a string of at most 500 characters' }],
    })
  return r
}

/**
 * The handler of every order action (the action layer has locked and authorized the order):
 * checks the state machine, runs the transition hooks, reserves/ships/releases stock, stamps
 * the order. Idempotent with a key.
 */
export async function runTransition(
  action: OrderAction,
  data: Record<string, unknown>,
  ctx: ActionContext,
): Promise<OrderRow> {
  const { result } = await idempotent(
    { trx: ctx.trx, params: ctx.params, route: `POST /api/orders/${ctx.record.id}/${action}`, body: data },
    () => transition(action, data, ctx),
  )
  return result
}

async function transition(
  action: OrderAction,
  data: Record<string, unknown>,
  run: ActionContext,
): Promise<OrderRow> {
  const { app, trx, params } = run
  const registry = registryOf(app)
  const inventory = registry.inventory
  if (!inventory) throw new Error('orders: the inventory API is not available')
  // the action layer locked and read the row FOR UPDATE, and sent the reads behind the lock
  const order = run.record as OrderRow
  const id = order.id
  const sent = (await run.prefetched) as TransitionReads | undefined
  const caller = params as Caller
  if (caller.provider && caller.user?.partnerId && order.partnerId !== caller.user.partnerId)
    throw new NotFound(`No order with id ${id}`)
  if (caller.provider && caller.user?.partnerId && !PARTNER_ACTIONS.includes(action))
    throw new Forbidden(`Partner users cannot ${action} orders`)
  const t = assertTransition(action, order.status)
  const reason = action === 'cancel' ? cancelReason(data) : undefined
  // the reads sent behind the lock (the lines as pricing reads them for submit, the hooks' own);
  // lines cannot change meanwhile (the order is locked)
  const reads = sent?.trx === trx ? sent : transitionReads(app, action, trx, id)
  const loaded = await reads.loaded
  const lines = loaded
    ? loaded.rows
        .map((r) => ({ id: r.id, productId: r.productId, quantity: r.quantity }))
        .sort((a, b) => a.productId - b.productId || a.id - b.id)
    : ((await trx('order_lines')
        .select('id', 'productId', 'quantity')
        .where('orderId', id)
        .orderBy([{ column: 'productId' }, { column: 'id' }])) as OrderLineRow[])
  const ctx: TransitionContext = {
    app,
    trx,
    params,
    action,
    from: order.status,
    to: t.to,
    order,
    lines,
    data,
    afterCommit: run.afterCommit,
  }
  const hooks = hooksFor(app, action)
  const prefetched = new Map<TransitionHook, unknown>()
  for (const [h, p] of reads.hooks) prefetched.set(h, await p)
  for (const h of hooks) {
    ctx.prefetched = prefetched.get(h)
    await h.before?.(ctx)
  }

  const set: Record<string, unknown> = {
    status: t.to,
    version: trx.raw('version + 1'),
    updatedAt: trx.fn.now(),
  }
  if (action === 'submit') {
    if (lines.length === 0) throw new Conflict(`Cannot submit order ${order.number}: it has no lines`)
    // final prices: whatever the price list says now is locked on the lines
    const priced = await registry.pipeline.price(trx, order as unknown as PricingOrder, loaded, t.to)
    Object.assign(set, priced.totals, { pricingAdjustments: JSON.stringify(priced.orderAdjustments) })
  }
  if (t.stamp) set[t.stamp] = trx.fn.now()
  if (reason !== undefined) set.cancelReason = reason
  const shipped = action === 'ship' ? shipment(data, lines) : undefined
  if (shipped) Object.assign(set, { carrier: shipped.carrier, trackingNumber: shipped.trackingNumber })
  const [updated] = await prepared<OrderRow>(
    trx,
    trx('orders').where('id', id).update(set).returning('*'),
    'orders_transition',
  )
  // the lines carry their order's status for reports and partner scopes (orderLine-order-facts.json);
  // submit's pricing already wrote it with the prices
  if (action !== 'submit')
    await trx('order_lines')
      .where('orderId', id)
      .update({ status: t.to, ...(shipped ? { shippedQuantity: trx.ref('quantity') } : {}) })

  const stock = { warehouseId: order.warehouseId, orderId: id, reference: order.number }
  if (shipped) {
    for (const l of lines) {
      const quantity = shipped.shipped.get(l.id) ?? l.quantity
      // a short shipment gives the rest of its reservation back
      if (quantity > 0) await inventory.ship(trx, { ...stock, productId: l.productId, quantity })
      if (quantity < l.quantity) {
        await inventory.release(trx, { ...stock, productId: l.productId, quantity: l.quantity - quantity })
        await trx('order_lines').where('id', l.id).update({ shippedQuantity: quantity })
      }
    }
  } else if (action === 'cancel' && order.status !== 'draft')
    for (const l of lines)
      await inventory.release(trx, { ...stock, productId: l.productId, quantity: l.quantity })

  ctx.result = updated
  for (const h of hooks) {
    ctx.prefetched = prefetched.get(h)
    await h.after?.(ctx)
  }
  // the reservation is settled inside the COMMIT: a hot stock row is locked for microseconds,
  // not across round trips; a shortage fails the commit and rolls back everything above.
  // Staging it is deferred: it travels with the COMMIT.
  if (action === 'submit')
    await defer(
      trx,
      inventory.reserveAtCommit(
        trx,
        lines.map((l) => ({ ...stock, productId: l.productId, quantity: l.quantity })),
      ),
    )
  return updated!
}
