import { afterAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { client, created, type Api } from './fixtures.js'

/**
 * A customer with a contract price list (80.00) buying through a partner whose list says 85.00
 * (the product's list price is 100.00): the contract wins by default; with
 * PLUME_PRICE_LIST_PRECEDENCE=partner the partner's list does.
 */
interface World {
  p: TestPlatform
  admin: Api
  partner: Api
  ids: {
    product: number
    warehouse: number
    partner: number
    contracted: number
    plain: number
    contract: number
    partnerList: number
  }
}

const started: TestPlatform[] = []
afterAll(async () => {
  for (const p of started) await p.close()
})

async function world(precedence?: string): Promise<World> {
  const before = process.env.PLUME_PRICE_LIST_PRECEDENCE
  if (precedence === undefined) delete process.env.PLUME_PRICE_LIST_PRECEDENCE
  else process.env.PLUME_PRICE_LIST_PRECEDENCE = precedence
  let p: TestPlatform
  try {
    p = await startTestPlatform({ demo: false })
  } finally {
    if (before === undefined) delete process.env.PLUME_PRICE_LIST_PRECEDENCE
    else process.env.PLUME_PRICE_LIST_PRECEDENCE = before
  }
  started.push(p)
  const admin = client(p, await p.login())
  const warehouse = await created(admin, '/api/warehouses', { code: 'WH-PP', name: 'Main' })
  const categoryId = await created(admin, '/api/product-categories', { code: 'CAT-PP', name: 'Tools' })
  const product = await created(admin, '/api/products', {
    sku: 'PP-1',
    name: 'Press',
    categoryId,
    listPrice: '100.00',
    taxRate: 0,
  })
  await admin('POST', '/api/stock-receipts', {
    productId: product,
    warehouseId: warehouse,
    quantity: 50,
    reference: 'PO-PP',
  })
  const partnerList = await created(admin, '/api/price-lists', {
    code: 'PL-PARTNER',
    name: 'Partner list',
    currency: 'CNY',
  })
  await created(admin, '/api/price-list-items', {
    priceListId: partnerList,
    productId: product,
    unitPrice: '85.00',
  })
  const contract = await created(admin, '/api/price-lists', {
    code: 'PL-CONTRACT',
    name: 'Contract of Acme',
    currency: 'CNY',
  })
  await created(admin, '/api/price-list-items', {
    priceListId: contract,
    productId: product,
    unitPrice: '80.00',
  })
  const tierId = await created(admin, '/api/partner-tiers', { code: 'T-PP', name: 'Gold', rank: 1 })
  const partner = await created(admin, '/api/partners', {
    code: 'P-PP',
    name: 'Reseller',
    kind: 'reseller',
    tierId,
    priceListId: partnerList,
  })
  const contracted = await created(admin, '/api/customers', {
    code: 'C-CONTRACT',
    name: 'Acme',
    partnerId: partner,
    priceListId: contract,
  })
  const plain = await created(admin, '/api/customers', { code: 'C-PLAIN', name: 'Plain', partnerId: partner })
  await created(admin, '/api/users', {
    email: 'buyer@pp.test',
    name: 'Buyer',
    password: 'Partner-Secret-123',
    roles: ['partner_user'],
    partnerId: partner,
    locale: 'en',
  })
  const partnerApi = client(p, await p.login('buyer@pp.test', 'Partner-Secret-123'))
  return {
    p,
    admin,
    partner: partnerApi,
    ids: { product, warehouse, partner, contracted, plain, contract, partnerList },
  }
}

async function order(
  w: World,
  api: Api,
  customerId: number,
): Promise<{ priceListId: number | null; unitPrice: string; total: string }> {
  const r = await api('POST', '/api/orders', {
    customerId,
    warehouseId: w.ids.warehouse,
    lines: [{ productId: w.ids.product, quantity: 1 }],
  })
  expect(r.status, JSON.stringify(r.body)).toBe(201)
  const submitted = await api('POST', `/api/orders/${r.body.id}/submit`, {})
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(201)
  const line = (await w.p.db.knex('order_lines').where('orderId', r.body.id).first('unitPrice')) as {
    unitPrice: string
  }
  return { priceListId: r.body.priceListId, unitPrice: String(line.unitPrice), total: submitted.body.total }
}

describe('price list precedence', () => {
  it('by default the customer contract list (80.00) beats the partner list (85.00), for staff and partner users', async () => {
    const w = await world()
    for (const api of [w.admin, w.partner]) {
      expect(await order(w, api, w.ids.contracted)).toEqual({
        priceListId: w.ids.contract,
        unitPrice: '80.00',
        total: '80.00',
      })
      // without a contract the partner's list applies
      expect(await order(w, api, w.ids.plain)).toEqual({
        priceListId: w.ids.partnerList,
        unitPrice: '85.00',
        total: '85.00',
      })
    }
    // moving a draft to the contracted customer re-resolves the list by the same rule
    const draft = await w.admin('POST', '/api/orders', {
      customerId: w.ids.plain,
      warehouseId: w.ids.warehouse,
      lines: [{ productId: w.ids.product, quantity: 1 }],
    })
    const moved = await w.admin('PATCH', `/api/orders/${draft.body.id}`, { customerId: w.ids.contracted })
    expect(moved.status).toBe(200)
    expect(moved.body.priceListId).toBe(w.ids.contract)
  })

  it('PLUME_PRICE_LIST_PRECEDENCE=partner makes the partner list (85.00) win', async () => {
    const w = await world('partner')
    for (const api of [w.admin, w.partner]) {
      expect(await order(w, api, w.ids.contracted)).toEqual({
        priceListId: w.ids.partnerList,
        unitPrice: '85.00',
        total: '85.00',
      })
    }
  })

  it('an unknown precedence leaves orders switched off with an error naming the setting (no pricing by a guess)', async () => {
    process.env.PLUME_PRICE_LIST_PRECEDENCE = 'cheapest'
    let p: TestPlatform
    try {
      p = await startTestPlatform({ demo: false })
    } finally {
      delete process.env.PLUME_PRICE_LIST_PRECEDENCE
    }
    started.push(p)
    const plugins = await p.http('GET', '/api/plugins', undefined, await p.login())
    const list = (Array.isArray(plugins.body) ? plugins.body : plugins.body.data) as Array<{
      name: string
      enabled: boolean
      error: string | null
    }>
    expect(list.find((x) => x.name === 'orders')).toMatchObject({
      enabled: false,
      error: 'PLUME_PRICE_LIST_PRECEDENCE must be one of customer, partner (got "cheapest")',
    })
  })
})
