import type { TestPlatform } from '@plume/core/testing'

export interface ServiceFixture {
  token: string
  customerId: number
  otherCustomerId: number
  orderId: number
  otherOrderId: number
  productId: number
  agent: { id: number; email: string; password: string }
  colleague: { id: number }
  salesRep: { id: number }
}

type Row = Record<string, unknown>

export async function post(p: TestPlatform, token: string, path: string, body: unknown): Promise<Row> {
  const r = await p.http('POST', path, body, token)
  if (r.status !== 201) throw new Error(`POST ${path} → ${r.status} ${JSON.stringify(r.body)}`)
  return r.body as Row
}

/** Two customers with an order each, a product, SLA policies for high and normal, two agents and a sales rep. */
export async function serviceFixture(p: TestPlatform, tag: string): Promise<ServiceFixture> {
  const token = await p.login()
  const id = async (path: string, body: unknown) => (await post(p, token, path, body)).id as number
  const warehouseId = await id('/api/warehouses', { code: `WH-${tag}`, name: 'Main' })
  const categoryId = await id('/api/product-categories', { code: `CAT-${tag}`, name: 'Service test' })
  const productId = await id('/api/products', {
    sku: `SKU-${tag}`,
    name: 'Router',
    categoryId,
    listPrice: '49.00',
    taxRate: 13,
  })
  const customerId = await id('/api/customers', { code: `c-${tag}`, name: `Customer ${tag}` })
  const otherCustomerId = await id('/api/customers', { code: `o-${tag}`, name: `Other ${tag}` })
  const orderId = await id('/api/orders', { customerId, warehouseId })
  const otherOrderId = await id('/api/orders', { customerId: otherCustomerId, warehouseId })
  await id('/api/sla-policies', { priority: 'high', firstResponseMinutes: 60, resolutionMinutes: 480 })
  await id('/api/sla-policies', { priority: 'normal', firstResponseMinutes: 240, resolutionMinutes: 1440 })
  const password = 'Agent-Secret-123'
  const agentEmail = `agent-${tag}@service.test`.toLowerCase()
  const agent = await id('/api/users', {
    email: agentEmail,
    name: 'Agent',
    password,
    roles: ['service_agent'],
    locale: 'en',
  })
  const colleague = await id('/api/users', {
    email: `colleague-${tag}@service.test`.toLowerCase(),
    name: 'Colleague',
    password,
    roles: ['service_agent'],
    locale: 'en',
  })
  const salesRep = await id('/api/users', {
    email: `rep-${tag}@service.test`.toLowerCase(),
    name: 'Rep',
    password,
    roles: ['sales_rep'],
    locale: 'en',
  })
  return {
    token,
    customerId,
    otherCustomerId,
    orderId,
    otherOrderId,
    productId,
    agent: { id: agent, email: agentEmail, password },
    colleague: { id: colleague },
    salesRep: { id: salesRep },
  }
}

/** `t0` plus minutes, as a Date. */
export const after = (t0: Date, minutes: number): Date => new Date(t0.getTime() + minutes * 60_000)
