import type { HookContext } from '@feathersjs/feathers'
import { describe, expect, it } from 'vitest'
import { bindPartnerUser } from '../hooks/bind-partner-user.js'

const run = async (data: Record<string, unknown>, params: Record<string, unknown> = {}) => {
  const context = { method: 'create', data, params, app: { get: () => undefined } } as unknown as HookContext
  let called = false
  await bindPartnerUser()(context, async () => {
    called = true
  })
  return called
}

describe('partner users', () => {
  it('requires a partner for the partner_user role', async () => {
    await expect(run({ email: 'a@b.c', roles: ['partner_user'] })).rejects.toThrow(/partnerId is required/)
    expect(await run({ email: 'a@b.c', roles: ['partner_user'], partnerId: 3 })).toBe(true)
    expect(await run({ email: 'a@b.c', roles: ['admin'] })).toBe(true)
  })

  it('lets a partner user manage only users of their own partner', async () => {
    const params = { provider: 'rest', user: { id: 1, partnerId: 3 } }
    await expect(run({ roles: ['partner_user'], partnerId: 4 }, params)).rejects.toThrow(/another partner/)
    await expect(run({ roles: ['admin'], partnerId: 3 }, params)).rejects.toThrow(/only manage partner users/)
    expect(await run({ roles: ['partner_user'], partnerId: 3 }, params)).toBe(true)
  })
})
