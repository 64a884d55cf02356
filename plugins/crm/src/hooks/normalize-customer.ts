import { Forbidden } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'
import { normalizeText, type TextCase } from '@plume/core'

/**
 * Customer codes are stored trimmed and upper-case (so `c-001` and `C-001` are one customer),
 * e-mails trimmed and lower-case; filters on them read the same way (`normalizeFields`).
 */
export const CUSTOMER_TEXT = { code: 'upper', email: 'lower' } as const satisfies Record<string, TextCase>

/** `" c-001 "` → `"C-001"`. */
export const normalizeCode = (code: string) => normalizeText(code, CUSTOMER_TEXT.code)

/**
 * A partner user's customers always belong to their partner.
 * @example hooks: { customer: { create: [normalizeCustomer()], patch: [normalizeCustomer()] } }
 */
export const normalizeCustomer = () => async (context: HookContext, next: NextFunction) => {
  const data = context.data as Record<string, unknown> | undefined
  if (data && typeof data === 'object') {
    const partnerId = (context.params.user as { partnerId?: number | null } | undefined)?.partnerId
    if (context.params.provider && partnerId) {
      if ('partnerId' in data && data.partnerId !== partnerId)
        throw new Forbidden('Partner users can only manage customers of their own partner')
      if (context.method === 'create' || context.method === 'update') data.partnerId = partnerId
    }
  }
  return next()
}
