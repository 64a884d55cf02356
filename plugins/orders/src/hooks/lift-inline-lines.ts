import type { HookContext, NextFunction } from '@feathersjs/feathers'
import type { PlumeApp } from '@plume/core'
import { setting } from '@plume/core'

const lifted = new WeakSet<object>()

/** Where the lines of `POST /api/orders {…, lines: […]}` wait for `prepareOrder`. */
export const INLINE_LINES = 'orderLines'

/**
 * `POST /api/orders` may carry `lines: [{productId, quantity}]`. The core validates the body
 * against the order schema (no `lines` there) before plugin hooks run, so this app-level hook —
 * which runs before every service hook — moves `lines` into `params.orderLines`; `prepareOrder`
 * validates and inserts them in the order's transaction. Inert while the plugin is disabled.
 */
export function liftInlineLines(app: PlumeApp): void {
  if (lifted.has(app)) return
  lifted.add(app)
  app.hooks({
    around: {
      create: [
        async (context: HookContext, next: NextFunction) => {
          const plugins = setting(context.app, 'plugins')
          const data = context.data as Record<string, unknown> | undefined
          if (context.path === 'api/orders' && plugins?.isEnabled?.('orders') && data && typeof data === 'object' && !Array.isArray(data) && 'lines' in data) {
            const { lines, ...order } = data
            context.data = order
            ;(context.params as Record<string, unknown>)[INLINE_LINES] = lines
          }
          return next()
        },
      ],
    },
  })
}
