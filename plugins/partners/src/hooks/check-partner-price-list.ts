import { BadRequest } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'
import { knexOf } from '@plume/core'

/**
 * A partner-specific price list (one with `partnerId`) may only be given to that partner; a
 * shared list (no `partnerId`) to anyone.
 * @example hooks: { partner: { create: [checkPartnerPriceList()], patch: [checkPartnerPriceList()] } }
 */
export const checkPartnerPriceList = () => async (context: HookContext, next: NextFunction) => {
  const data = context.data as { priceListId?: number | null } | undefined
  if (data?.priceListId) {
    const db = knexOf(context)
    const list = (await db('price_lists').select('partnerId').where('id', data.priceListId).first()) as
      { partnerId: number | null } | undefined
    const self = context.id === null || context.id === undefined ? undefined : Number(context.id)
    if (list && list.partnerId !== null && list.partnerId !== self) {
      throw new BadRequest('Invalid data: priceListId belongs to another partner', {
        errors: [{ path: '/priceListId', message: 'is the price list of another partner' }],
      })
    }
  }
  return next()
}
