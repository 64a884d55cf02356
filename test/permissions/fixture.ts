import { io, type Socket } from 'socket.io-client'
import { definePlugin } from '@plume/core'
import { builtInEntityDirs, builtInGrants, startTestPlatform, type TestPlatform } from '@plume/core/testing'

/**
 * The permissions suite's world: two partners (A, B), a warehouse, customers and orders of
 * each, a sales rep with their own customer and order, and one user per default role. No
 * discovered plugins: the generic entity services of the core's and the built-in plugins'
 * entity folders and their grants only, plus a tiny plugin with two order actions so action permissions can
 * be checked.
 */

export type Row = Record<string, unknown> & { id: number }

export interface World {
  p: TestPlatform
  ids: {
    partnerA: number
    partnerB: number
    warehouse: number
    category: number
    product: number
    customerA: number
    customerB: number
    customerRep: number
    customerOther: number
    orderA: number
    orderB: number
    orderRep: number
    orderOther: number
  }
  users: Record<string, { id: number; email: string; token: string }>
}

/** What service answers look like to these tests (a record, a page or an error). */
export type Body = Record<string, unknown> & {
  id?: number
  total?: number
  data?: Row[]
  code?: number
  message?: string
  name?: string
}

export const PASSWORD = 'Perm-Secret-123'

export const ROLES: Record<string, { roles: string[]; partner?: 'A' | 'B' }> = {
  admin: { roles: ['admin'] },
  manager: { roles: ['sales_manager'] },
  rep: { roles: ['sales_rep'] },
  rep2: { roles: ['sales_rep'] },
  warehouse: { roles: ['warehouse'] },
  finance: { roles: ['finance'] },
  agent: { roles: ['service_agent'] },
  auditor: { roles: ['auditor'] },
  partnerAdminA: { roles: ['partner_admin'], partner: 'A' },
  partnerUserA: { roles: ['partner_user'], partner: 'A' },
  partnerUserB: { roles: ['partner_user'], partner: 'B' },
  partnerNoPartner: { roles: ['partner_user'] },
  nobody: { roles: [] },
}

const testActions = definePlugin({
  name: 'perm-test-actions',
  version: '1.0.0',
  actions: {
    order: {
      submit: { handler: async (id) => ({ id, done: 'submit' }) },
      ship: { handler: async (id) => ({ id, done: 'ship' }) },
    },
  },
})

export async function startWorld(): Promise<World> {
  const p = await startTestPlatform({
    pluginDirs: [],
    entityDirs: builtInEntityDirs(),
    plugins: [builtInGrants(), testActions],
  })
  const svc = (name: string) => p.app.service(`api/${name}`)
  const create = async (name: string, data: Record<string, unknown>) => (await svc(name).create(data)) as Row
  const tier = await create('partner-tiers', { code: 'T1', name: 'Gold', rank: 1, discountPercent: 5 })
  const partnerA = (
    await create('partners', {
      code: 'PA',
      name: 'Partner A',
      kind: 'distributor',
      tierId: tier.id,
      creditLimit: '1000.00',
    })
  ).id
  const partnerB = (
    await create('partners', {
      code: 'PB',
      name: 'Partner B',
      kind: 'reseller',
      tierId: tier.id,
      creditLimit: '2000.00',
    })
  ).id
  const warehouse = (await create('warehouses', { code: 'W1', name: 'Main' })).id
  const category = (await create('product-categories', { code: 'C1', name: 'Tools' })).id
  const product = (
    await create('products', {
      sku: 'P-1',
      name: 'Drill',
      categoryId: category,
      listPrice: '99.00',
      cost: '40.00',
    })
  ).id
  await create('stock-levels', {
    productId: product,
    warehouseId: warehouse,
    onHand: 10,
    reserved: 2,
    reorderPoint: 3,
    reorderQuantity: 20,
  })
  await create('price-lists', { code: 'PL-A', name: 'A prices', currency: 'CNY', partnerId: partnerA })
  await create('price-lists', { code: 'PL-B', name: 'B prices', currency: 'CNY', partnerId: partnerB })

  const users: World['users'] = {}
  for (const [key, def] of Object.entries(ROLES)) {
    const email = `${key.toLowerCase()}@perm.test`
    const partnerId = def.partner === 'A' ? partnerA : def.partner === 'B' ? partnerB : null
    // user rules refuse a partner role without a partner: that (legacy / broken) user is made with SQL
    const broken = def.partner === undefined && def.roles.some((r) => r.startsWith('partner_'))
    const u = (await svc('users').create({
      email,
      name: key,
      password: PASSWORD,
      roles: broken ? [] : def.roles,
      partnerId,
      active: true,
    })) as Row
    if (broken)
      await p.db
        .knex('users')
        .where({ id: u.id })
        .update({ roles: JSON.stringify(def.roles) })
    users[key] = { id: u.id, email, token: '' }
  }
  for (const u of Object.values(users)) u.token = await p.login(u.email, PASSWORD)

  const customerA = (
    await create('customers', {
      code: 'CA',
      name: 'Customer of A',
      partnerId: partnerA,
      creditLimit: '500.00',
    })
  ).id
  const customerB = (await create('customers', { code: 'CB', name: 'Customer of B', partnerId: partnerB })).id
  const customerRep = (
    await create('customers', { code: 'CR', name: 'Rep customer', ownerId: users.rep!.id })
  ).id
  const customerOther = (
    await create('customers', { code: 'CO', name: 'Other rep customer', ownerId: users.rep2!.id })
  ).id
  const order = (customerId: number, extra: Record<string, unknown>) =>
    create('orders', { customerId, warehouseId: warehouse, notes: 'n', ...extra })
  const orderA = (await order(customerA, { partnerId: partnerA })).id
  const orderB = (await order(customerB, { partnerId: partnerB })).id
  const orderRep = (await order(customerRep, { ownerId: users.rep!.id })).id
  const orderOther = (await order(customerOther, { ownerId: users.rep2!.id })).id
  return {
    p,
    users,
    ids: {
      partnerA,
      partnerB,
      warehouse,
      category,
      product,
      customerA,
      customerB,
      customerRep,
      customerOther,
      orderA,
      orderB,
      orderRep,
      orderOther,
    },
  }
}

/** A socket.io connection logged in as `email`; `call` emits a service call and resolves `{status, body}`. */
export async function connect(p: TestPlatform, email: string) {
  const socket: Socket = io(p.url, { transports: ['websocket'], forceNew: true })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('connect_error', reject)
  })
  const call = (method: string, path: string, ...args: unknown[]) =>
    new Promise<{ status: number; body: Body }>((resolve) =>
      socket.emit(method, path, ...args, (err: { code?: number } | null, data: unknown) =>
        resolve(
          err
            ? { status: err.code ?? 500, body: err as Body }
            : { status: method === 'create' ? 201 : 200, body: data as Body },
        ),
      ),
    )
  const auth = await call('create', 'api/authentication', { strategy: 'local', email, password: PASSWORD })
  if (auth.status !== 201) throw new Error(`socket login failed: ${JSON.stringify(auth.body)}`)
  return { socket, call }
}

/** Collects every event `name` the socket receives. */
export function collect<T = Row>(socket: Socket, name: string): T[] {
  const seen: T[] = []
  socket.on(name, (data: T) => seen.push(data))
  return seen
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
