import { readFileSync } from 'node:fs'
import { createDemoUsers, definePlugin, normalizeFields } from '@plume/core'
import { CUSTOMER_TEXT, normalizeCustomer } from './hooks/normalize-customer.js'
import { seedActivities } from './seed/activities.js'
import { seedCustomers } from './seed/customers.js'
import { customerHistoryService } from './services/customer-history.js'

export type { PurchaseHistory } from './services/customer-history.js'
export { normalizeCode } from './hooks/normalize-customer.js'

/**
 * CRM: customers (normalised codes, partner-bound for partner users), contacts, activities,
 * segments, and the purchase history at `GET /api/customer-history/:customerId`.
 */
export default definePlugin({
  name: 'crm',
  version: '1.0.0',
  description: { en: 'Customers, contacts, segments and purchase history', 'zh-CN': '客户、联系人、客户分群与购买历史' },
  // customers are seeded against the demo partners and price lists
  dependsOn: ['partners'],
  hooks: {
    customer: { all: [normalizeFields(CUSTOMER_TEXT)], create: [normalizeCustomer()], update: [normalizeCustomer()], patch: [normalizeCustomer()] },
  },
  // permission rules as data (resources of the custom services); see rules/permissions.json
  rules: JSON.parse(readFileSync(new URL('../rules/permissions.json', import.meta.url), 'utf8')) as unknown[],
  services: {
    'api/customer-history': (ctx) => customerHistoryService(ctx.knex),
  },
  async seed(ctx) {
    const started = performance.now()
    const [manager, ...reps] = await createDemoUsers(ctx.app, [
      { email: 'sales.manager@demo.plume.local', name: 'Sales manager', roles: ['sales_manager'] },
      ...[1, 2, 3].map((i) => ({ email: `sales.rep${i}@demo.plume.local`, name: `Sales rep ${i}`, roles: ['sales_rep'] })),
    ])
    const n = await ctx.knex.transaction(async (trx) => {
      const customers = await seedCustomers(trx, 1000, reps)
      return { customers, activities: await seedActivities(trx, { reps, manager }) }
    })
    ctx.logger.info(`crm demo data (${n.customers} customers, ${n.activities} activities) in ${Math.round(performance.now() - started)} ms`)
  },
})
