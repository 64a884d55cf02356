import { MethodNotAllowed } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'
import { isPrepared } from '../context.js'

/**
 * Allocations are written only by `POST /api/payments/:id/allocate`, which keeps the invoice
 * and the payment in step; direct writes are refused (405), reads are open.
 * @example hooks: { paymentAllocation: { create: [allocationsByAction()], … } }
 */
export const allocationsByAction = () => async (context: HookContext, next: NextFunction) => {
  if (isPrepared(context.params)) return next()
  throw new MethodNotAllowed('Payment allocations are made with POST /api/payments/:id/allocate')
}
