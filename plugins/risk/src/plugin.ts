import { fileURLToPath } from 'node:url'
import { definePlugin, firstUserWithRole, systemOnly } from '@plume/core'
import type { OrdersApi } from '@plume/plugin-orders'
import { rejectCreditHold, releaseCreditHold } from './actions.js'
import { blockHeldApproval, closeHoldOnCancel, holdOnSubmit } from './hooks/credit-hold.js'
import { ASSESS_JOB, assessJob, reassessAfterWrite, reassessOnTransition } from './hooks/reassess.js'
import { exposure, currentLimit, overdueInvoices, type CreditSubject, type Exposure } from './exposure.js'
import { assess, riskScore, type RiskScore } from './score.js'
import { seedCreditLimits, seedRiskAssessments } from './seed/credit.js'
import { creditExposureService } from './services/credit-exposure.js'

export {
  exposure,
  exposureSql,
  currentLimit,
  limitSql,
  overdueInvoices,
  OPEN_ORDER_STATES,
  OPEN_INVOICE_STATES,
} from './exposure.js'
export type { CreditSubject, Exposure, OverdueInvoice, SubjectColumn } from './exposure.js'
export { riskScore, assess, levelOf, WEIGHTS } from './score.js'
export type { RiskScore, RiskLevel } from './score.js'
export type { HoldReason } from './credit-check.js'

/** What `ctx.use('risk')` returns. */
export interface RiskApi {
  exposure: typeof exposure
  currentLimit: typeof currentLimit
  overdueInvoices: typeof overdueInvoices
  riskScore: typeof riskScore
  /** Re-scores a subject now (e.g. after a payment written outside a service). */
  assess(trx: Parameters<typeof assess>[0], who: CreditSubject): Promise<RiskScore>
}
export type { Exposure as CreditExposure }

const removers = new WeakMap<object, Array<() => void>>()
const guard = [systemOnly()]
const reassess = [reassessAfterWrite()]

/**
 * Risk: credit limits (a credit-limit record, else the customer's / partner's `creditLimit`),
 * exposure (it reads finance's invoices, payments and credit notes: hence `finance`), credit
 * holds at submit with release/reject actions, and risk scores kept current. See docs/risk.md.
 */
export default definePlugin<RiskApi>({
  name: 'risk',
  version: '1.0.0',
  description: { en: 'Credit limits, credit holds and risk scores', 'zh-CN': '信用额度、信用冻结与风险评分' },
  dependsOn: ['orders', 'crm', 'partners', 'finance'],
  entities: [fileURLToPath(new URL('../entities', import.meta.url))],
  // its permission rules (grants on its entities and services) are data: rules/grants.json, loaded by the host
  hooks: {
    creditHold: { create: guard, update: guard, patch: guard, remove: guard },
    riskAssessment: { create: guard, update: guard, patch: guard, remove: guard },
    payment: { create: reassess, patch: reassess },
    paymentAllocation: { create: reassess },
    invoice: { create: reassess, patch: reassess, update: reassess },
    creditNote: { create: reassess, patch: reassess },
  },
  actions: {
    order: {
      'release-credit-hold': releaseCreditHold(),
      'reject-credit-hold': rejectCreditHold(),
    },
  },
  services: {
    'api/credit-exposure': (ctx) => creditExposureService(ctx.knex),
  },
  setup(ctx) {
    for (const remove of removers.get(ctx.app) ?? []) remove()
    const orders = ctx.use<OrdersApi>('orders')
    removers.set(
      ctx.app,
      [holdOnSubmit(), blockHeldApproval(), closeHoldOnCancel(), reassessOnTransition()].map((h) =>
        orders.addTransitionHook(h),
      ),
    )
    // the worker re-scores what an after-commit run did not cover (see hooks/reassess.ts)
    const jobs = ctx.app.get('jobs')
    jobs?.register(ASSESS_JOB, assessJob(ctx.app))
    return { exposure, currentLimit, overdueInvoices, riskScore, assess }
  },
  disable(ctx) {
    for (const remove of removers.get(ctx.app) ?? []) remove()
    removers.delete(ctx.app)
    return Promise.resolve()
  },
  async seed(ctx) {
    const started = performance.now()
    const approver = await firstUserWithRole(ctx.knex, 'finance', 'admin')
    const n = await ctx.knex.transaction(async (trx) => ({
      limits: await seedCreditLimits(trx, approver),
      assessments: await seedRiskAssessments(trx),
    }))
    ctx.logger.info(
      `risk demo data (${n.limits} credit limits, ${n.assessments} risk assessments) in ${Math.round(performance.now() - started)} ms`,
    )
  },
})
