import { fileURLToPath } from 'node:url'
import { definePlugin, firstUserWithRole, systemOnly } from '@plume/core'
import type { OrdersApi } from '@plume/plugin-orders'
import { accrueOrder, reverseOrder } from './accrue.js'
import { approveBatch, payBatch, reverseCommission } from './actions.js'
import {
  accrueOnDelivery,
  accrueOnPayment,
  reverseOnCancel,
  reverseOnCreditNote,
} from './hooks/order-events.js'
import { payoutBatch } from './hooks/payout-batch.js'
import { seedCommissions } from './seed/accruals.js'

export { accrueOrder, orderCommission, reverseOrder } from './accrue.js'
export { lineCommissions, periodOf, volumeBonus, type CommissionPlan, type LineCommission } from './plan.js'
export { marginalCommissions, tierSlices, TIER_MODES, type TierMode, type TierSlice } from './tiers.js'

/** What `ctx.use('commissions')` returns. */
export interface CommissionsApi {
  accrueOrder: typeof accrueOrder
  reverseOrder: typeof reverseOrder
}

const guard = [systemOnly()]
const batch = [payoutBatch()]
const paid = [accrueOnPayment()]

/**
 * Partner commissions: plans per tier (rate by category, volume bonus per period in marginal or
 * cliff tiers, earned on delivery or on payment), accruals and reversals, payout batches
 * draft → approved → paid.
 * See docs/commissions.md.
 */
export default definePlugin<CommissionsApi>({
  name: 'commissions',
  version: '1.0.0',
  description: {
    en: 'Partner commissions: plans, accruals, payout batches',
    'zh-CN': '合作伙伴佣金：方案、计提与结算',
  },
  dependsOn: ['partners', 'orders', 'finance'],
  entities: [fileURLToPath(new URL('../entities', import.meta.url))],
  hooks: {
    commissionAccrual: { create: guard, update: guard, patch: guard, remove: guard },
    payoutBatch: { create: batch, update: batch, patch: batch, remove: batch },
    creditNote: {
      create: [reverseOnCreditNote()],
      patch: [reverseOnCreditNote()],
      update: [reverseOnCreditNote()],
    },
    payment: { create: paid },
    paymentAllocation: { create: paid },
    invoice: { patch: paid, update: paid },
  },
  actions: {
    payoutBatch: { approve: approveBatch(), pay: payBatch() },
    order: { 'reverse-commission': reverseCommission() },
  },
  setup(ctx) {
    // owned by commissions: the host removes them when it is switched off, on every instance
    const orders = ctx.use<OrdersApi>('orders')
    ctx.register(() => orders.addTransitionHook(accrueOnDelivery()))
    ctx.register(() => orders.addTransitionHook(reverseOnCancel()))
    return { accrueOrder, reverseOrder }
  },
  async seed(ctx) {
    const started = performance.now()
    const approver = await firstUserWithRole(ctx.knex, 'finance', 'admin')
    const n = await ctx.knex.transaction((trx) => seedCommissions(trx, approver))
    ctx.logger.info(
      `commissions demo data (${n.plans} plans, ${n.accruals} accruals and reversals, ${n.batches} payout batches) in ${Math.round(performance.now() - started)} ms`,
    )
  },
})
