import { fileURLToPath } from 'node:url'
import { automationOf, definePlugin, seedDefaultAlertRules } from '@plume/core/internal'
import { TRANSITIONS, type OrdersApi } from '@plume/plugin-orders'
import { emailAction } from './actions/email.js'
import { notifyAction, publishToRecipient } from './actions/notify.js'
import { webhookAction } from './actions/webhook.js'
import { customerExposure, orderCredit, overdueInvoices } from './facts/finance.js'
import { partnerMonthlySales, slaBreaches } from './facts/sales.js'
import { lowStock, orderStock } from './facts/stock.js'
import { orderTransitionTriggers } from './transitions.js'
import { ALLOWLIST_PATH, allowlistService } from './webhooks/allowlist.js'

export { notifyAction, publishToRecipient, NOTIFICATIONS_PATH } from './actions/notify.js'
export { emailAction } from './actions/email.js'
export { webhookAction } from './actions/webhook.js'
export { checkUrl, isBlockedAddress, SsrfError } from './webhooks/ssrf.js'
export { sign, verify } from './webhooks/sign.js'
export { deliver } from './webhooks/deliver.js'
export { ALLOWLIST_PATH, ALLOWLIST_TABLE } from './webhooks/allowlist.js'

const FACTS = [
  orderStock,
  lowStock,
  overdueInvoices,
  customerExposure,
  orderCredit,
  partnerMonthlySales,
  slaBreaches,
]
const EXECUTORS = [notifyAction, emailAction, webhookAction]

const removers = new WeakMap<object, () => void>()

/**
 * Notifications: the in-app `notification` entity (pushed over socket.io to its recipient only),
 * e-mail over SMTP, signed webhooks with SSRF protection, the business facts alert rules read
 * (stock, invoices, exposure, partner sales, SLA) and order transitions as triggers. The engine,
 * the queue and the firing log are the core's (`core/src/automation`). See docs/automation.md.
 */
export default definePlugin({
  name: 'notifications',
  version: '1.0.0',
  description: {
    en: 'Alerts: in-app notifications, e-mail and webhooks',
    'zh-CN': '提醒：站内通知、邮件与 Webhook',
  },
  // it reads risk's exposure SQL and its facts read finance's invoices and service's tickets
  dependsOn: ['orders', 'risk', 'service'],
  entities: [fileURLToPath(new URL('../entities', import.meta.url))],
  services: {
    [ALLOWLIST_PATH]: (ctx) => allowlistService(ctx.knex, ctx.app),
  },
  // the rule letting every user read and mark their own notifications: rules/grants.json (seeded once by the host)
  async setup(ctx) {
    const engine = automationOf(ctx.app)
    for (const f of FACTS) engine.registry.fact(f)
    for (const a of EXECUTORS) engine.registry.action(a)
    engine.registry.transitionsOf('order', Object.keys(TRANSITIONS))
    removers.get(ctx.app)?.()
    removers.set(ctx.app, orderTransitionTriggers(ctx.use<OrdersApi>('orders'), engine))
    publishToRecipient(ctx.app)
    // a migration may have upgraded a stored default rule: the engine compiled it before
    await engine.refresh()
    await seedDefaultAlertRules(ctx.app)
  },
  async disable(ctx) {
    removers.get(ctx.app)?.()
    removers.delete(ctx.app)
    const engine = automationOf(ctx.app)
    for (const a of EXECUTORS) engine.registry.executors.delete(a.type)
    for (const f of FACTS) engine.registry.facts.delete(f.name)
    engine.registry.transitions.delete('order')
  },
})
