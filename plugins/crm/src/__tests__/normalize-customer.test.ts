import type { HookContext } from '@feathersjs/feathers'
import { describe, expect, it } from 'vitest'
import { normalizeFields } from '@plume/core'
import { CUSTOMER_TEXT, normalizeCode, normalizeCustomer } from '../hooks/normalize-customer.js'

const run = async (method: string, data: Record<string, unknown>, params: Record<string, unknown> = {}) => {
  const context = { method, data, params } as unknown as HookContext
  await normalizeCustomer()(context, async () => undefined)
  return context.data as Record<string, unknown>
}

describe('customer normalisation', () => {
  it('trims and upper-cases codes, lower-cases e-mails', async () => {
    expect(normalizeCode('  c-001 ')).toBe('C-001')
    const context = {
      method: 'create',
      data: { code: ' ab-9 ', email: ' Buyer@Example.COM ' },
      params: {},
    } as unknown as HookContext
    await normalizeFields(CUSTOMER_TEXT)(context, async () => undefined)
    expect(context.data).toEqual({ code: 'AB-9', email: 'buyer@example.com' })
  })

  it('reads filters on codes and e-mails as stored', async () => {
    const query = {
      code: { $in: ['acme', ' b-2'], $ne: 'x' },
      $or: [{ email: 'A@B.CN' }, { code: { $like: 'ac%' } }],
      name: 'acme',
    }
    const context = { method: 'find', params: { query } } as unknown as HookContext
    await normalizeFields(CUSTOMER_TEXT)(context, async () => undefined)
    expect(context.params.query).toEqual({
      code: { $in: ['ACME', 'B-2'], $ne: 'X' },
      $or: [{ email: 'a@b.cn' }, { code: { $like: 'AC%' } }],
      name: 'acme',
    })
  })

  it("binds a partner user's customers to their partner", async () => {
    const params = { provider: 'rest', user: { id: 5, partnerId: 7 } }
    expect(await run('create', { code: 'X' }, params)).toEqual({ code: 'X', partnerId: 7 })
    await expect(run('patch', { partnerId: 8 }, params)).rejects.toThrow(/own partner/)
    // internal calls and staff are not bound
    expect(await run('create', { code: 'Y', partnerId: 8 }, { user: { partnerId: 7 } })).toEqual({
      code: 'Y',
      partnerId: 8,
    })
  })
})
