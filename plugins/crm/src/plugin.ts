import { createDemoUsers, definePlugin, normalizeFields } from '@plume/core'
import { CUSTOMER_TEXT, normalizeCustomer } from './hooks/normalize-customer.js'
import { seedActivities } from './seed/activities.js'
import { seedCustomers } from './seed/customers.js'

export { normalizeCode } from './hooks/normalize-customer.js'

/**
 * CRM: customers (normalised codes, partner-bound for partner users), contacts, activities and
 * segments. A customer's purchase history reads orders: the orders plugin serves it.
 */
export default definePlugin({
  name: 'crm',
  version: '1.0.0',
  description: {
    en: 'Customers, contacts, activities and segments',
    'zh-CN': '客户、联系人、跟进活动与客户分群',
  },
  // customers are seeded against the demo partners and price lists
  dependsOn: ['partners'],
  hooks: {
    customer: {
      all: [normalizeFields(CUSTOMER_TEXT)],
      create: [normalizeCustomer()],
      update: [normalizeCustomer()],
      patch: [normalizeCustomer()],
    },
  },
  async seed(ctx) {
    const started = performance.now()
    const [manager, ...reps] = await createDemoUsers(ctx.app, [
      { email: 'sales.manager@demo.plume.local', name: 'Sales manager', roles: ['sales_manager'] },
      ...[1, 2, 3].map((i) => ({
        email: `sales.rep${i}@demo.plume.local`,
        name: `Sales rep ${i}`,
        roles: ['sales_rep'],
      })),
    ])
    const n = await ctx.knex.transaction(async (trx) => {
      const customers = await seedCustomers(trx, 1000, reps)
      return { customers, activities: await seedActivities(trx, { reps, manager }) }
    })
    ctx.logger.info(
      `crm demo data (${n.customers} customers, ${n.activities} activities) in ${Math.round(performance.now() - started)} ms`,
    )
  },
})
