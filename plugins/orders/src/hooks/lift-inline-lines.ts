import { BadRequest } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'
import type { PlumeApp } from '@plume/core'
import { assertValidData, setting } from '@plume/core'
import type { EntityDefinition } from '@plume/metadata'

const lifted = new WeakSet<object>()

/** Where the lines of `POST /api/orders {…, lines: […]}` (and `PATCH`) wait for the order hooks. */
export const INLINE_LINES = 'orderLines'

/** The most lines one request may carry (an order entry screen saves the whole order at once). */
export const MAX_INLINE_LINES = 1000

type Line = Record<string, unknown>
type FieldError = { path: string; message: string }

/**
 * Checks inline lines against the order line schema (errors at paths like `/lines/2/quantity`).
 * @example readInlineLines([{ productId: 3, quantity: 2 }], entities.get('orderLine'))
 */
export function readInlineLines(raw: unknown, entity: EntityDefinition | undefined): Line[] {
  if (raw === undefined || raw === null) return []
  if (!Array.isArray(raw) || raw.length > MAX_INLINE_LINES) {
    throw new BadRequest(`Invalid data: lines must be an array of at most ${MAX_INLINE_LINES} lines`, {
      errors: [{ path: '/lines', message: `must be an array of at most ${MAX_INLINE_LINES} items` }],
    })
  }
  return raw.map((line: unknown, i) => {
    if (!line || typeof line !== 'object' || Array.isArray(line) || 'orderId' in line || 'id' in line) {
      throw new BadRequest(`Invalid data: lines/${i} must be an object without id or orderId`, {
        errors: [{ path: `/lines/${i}`, message: 'must be an object without id or orderId' }],
      })
    }
    const candidate = { ...(line as Line), orderId: 1 }
    try {
      if (entity) assertValidData(entity, 'create', candidate)
    } catch (err) {
      // a Feathers error keeps `errors` of its data on the error itself
      const found = err as { errors?: FieldError[]; data?: { errors?: FieldError[] } }
      const errors = (found.errors ?? found.data?.errors ?? []).map((e) => ({
        path: `/lines/${i}${e.path}`,
        message: e.message,
      }))
      throw new BadRequest(
        `Invalid data: lines/${i}${errors[0]?.path.replace(`/lines/${i}`, '') ?? ''} ${errors[0]?.message ?? 'is invalid'}`,
        { errors },
      )
    }
    return line as Line
  })
}

/**
 * `POST /api/orders` and `PATCH /api/orders/:id` may carry `lines: [{productId, quantity}]`. The
 * core validates the body against the order schema (no `lines` there) before plugin hooks run,
 * so this app-level hook — which runs before every service hook — moves `lines` into
 * `params.orderLines`; `prepareOrder` (create) and `replaceLines` (patch) validate and write them
 * in the order's transaction. Inert while the plugin is disabled.
 */
export function liftInlineLines(app: PlumeApp): void {
  if (lifted.has(app)) return
  lifted.add(app)
  const lift = async (context: HookContext, next: NextFunction) => {
    const plugins = setting(context.app, 'plugins')
    const data = context.data as Record<string, unknown> | undefined
    const single = context.method === 'create' || (context.id !== null && context.id !== undefined)
    if (
      context.path === 'api/orders' &&
      single &&
      plugins?.isEnabled?.('orders') &&
      data &&
      typeof data === 'object' &&
      !Array.isArray(data) &&
      'lines' in data
    ) {
      const { lines, ...order } = data
      context.data = order
      ;(context.params as Record<string, unknown>)[INLINE_LINES] = lines
    }
    return next()
  }
  app.hooks({ around: { create: [lift], patch: [lift] } })
}
