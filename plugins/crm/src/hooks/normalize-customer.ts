import { Forbidden } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'

/** `" c-001 "` → `"C-001"`. */
export const normalizeCode = (code: string) => code.trim().toUpperCase()

/**
 * Customer codes are stored trimmed and upper-case (so `c-001` and `C-001` are one customer),
 * e-mails trimmed and lower-case; a partner user's customers always belong to their partner.
 * @example hooks: { customer: { create: [normalizeCustomer()], patch: [normalizeCustomer()] } }
 */
export const normalizeCustomer = () => async (context: HookContext, next: NextFunction) => {
  const data = context.data as Record<string, unknown> | undefined
  if (data && typeof data === 'object') {
    if (typeof data.code === 'string') data.code = normalizeCode(data.code)
    if (typeof data.email === 'string') data.email = data.email.trim().toLowerCase()
    const partnerId = (context.params.user as { partnerId?: number | null } | undefined)?.partnerId
    if (context.params.provider && partnerId) {
      if ('partnerId' in data && data.partnerId !== partnerId) throw new Forbidden('Partner users can only manage customers of their own partner')
      if (context.method === 'create' || context.method === 'update') data.partnerId = partnerId
    }
  }
  return next()
}
