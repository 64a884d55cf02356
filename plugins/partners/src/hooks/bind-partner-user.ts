import { BadRequest, Forbidden } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'
import { knexOf } from '@plume/core'

export const PARTNER_ROLE = 'partner_user'

interface UserLike {
  roles?: unknown
  partnerId?: number | null
}

const hasPartnerRole = (roles: unknown) => Array.isArray(roles) && roles.includes(PARTNER_ROLE)

/**
 * A user with the `partner_user` role is bound to exactly one partner (`partnerId` required),
 * and a partner user can never move a user — themselves included — to another partner.
 * @example hooks: { user: { create: [bindPartnerUser()], patch: [bindPartnerUser()], update: [bindPartnerUser()] } }
 */
export const bindPartnerUser = () => async (context: HookContext, next: NextFunction) => {
  const data = context.data as UserLike | undefined
  if (!data || typeof data !== 'object') return next()
  let current: UserLike = {}
  if (context.method === 'patch' && context.id !== null && context.id !== undefined) {
    const trx = knexOf(context)
    current =
      ((await trx('users').select('roles', 'partnerId').where('id', Number(context.id)).first()) as
        UserLike | undefined) ?? {}
  }
  const merged: UserLike = { ...current, ...data }
  const caller = context.params.user as UserLike | undefined
  if (context.params.provider && caller?.partnerId) {
    if ('partnerId' in data && data.partnerId !== caller.partnerId)
      throw new Forbidden('Partner users cannot assign users to another partner')
    if ('roles' in data && !hasPartnerRole(data.roles))
      throw new Forbidden('Partner users can only manage partner users')
  }
  if (hasPartnerRole(merged.roles) && (merged.partnerId === null || merged.partnerId === undefined)) {
    throw new BadRequest('Invalid data: partnerId is required for a partner user', {
      errors: [{ path: '/partnerId', message: 'is required for the partner_user role' }],
    })
  }
  return next()
}
