import { MethodNotAllowed } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'

/**
 * The stock ledger is written only by stock operations (orders, receipts, adjustments,
 * transfers): clients may read movements but never create, edit or delete them.
 * @example hooks: { stockMovement: { create: [ledgerOnly()], patch: [ledgerOnly()] } }
 */
export const ledgerOnly = () => async (context: HookContext, next: NextFunction) => {
  if (context.params.provider) {
    throw new MethodNotAllowed(
      'Stock movements are written by stock operations only: use /api/stock-receipts, /api/stock-adjustments, /api/stock-transfers or the order actions',
    )
  }
  return next()
}
