import { fileURLToPath } from 'node:url'
import { createDemoUsers, definePlugin, type ActionDefinition } from '@plume/core'
import { SERVICE_RULES } from './rules.js'
import { serviceApi, type ServiceApi } from './api.js'
import { guardMessages } from './hooks/guard-messages.js'
import { guardTicket } from './hooks/guard-ticket.js'
import { prepareMessage } from './hooks/prepare-message.js'
import { prepareTicket } from './hooks/prepare-ticket.js'
import { seedSlaPolicies } from './seed/sla.js'
import { seedTickets } from './seed/tickets.js'
import { TICKET_ACTIONS, TICKET_TRANSITIONS, type TicketAction } from './state-machine.js'
import { TICKET_ACTION_INPUTS } from './action-inputs.js'
import { runTicketAction } from './transitions.js'
import type { TicketRow } from './types.js'

export { SERVICE_RULES } from './rules.js'
export { serviceApi, type ServiceApi } from './api.js'
export { checkSlaBreaches, breachesAt, dueTimes, type SlaCheckResult, type SlaPolicy } from './sla.js'
export {
  TICKET_TRANSITIONS,
  TICKET_ACTIONS,
  allowedTicketActions,
  assertTicketTransition,
  type TicketAction,
  type TicketStatus,
} from './state-machine.js'
export { formatTicketNumber } from './number.js'
export { DEFAULT_SLA_POLICIES } from './seed/sla.js'
export type { TicketRow } from './types.js'

const LABELS: Record<TicketAction, { en: string; 'zh-CN': string }> = {
  assign: { en: 'Assign', 'zh-CN': '分派' },
  start: { en: 'Start', 'zh-CN': '开始处理' },
  wait: { en: 'Wait for customer', 'zh-CN': '等待客户' },
  resolve: { en: 'Resolve', 'zh-CN': '解决' },
  close: { en: 'Close', 'zh-CN': '关闭' },
  reopen: { en: 'Reopen', 'zh-CN': '重新打开' },
}

const actions: Record<string, ActionDefinition> = Object.fromEntries(
  TICKET_ACTIONS.map((action) => [
    action,
    {
      label: LABELS[action],
      input: TICKET_ACTION_INPUTS[action],
      states: TICKET_TRANSITIONS[action].from,
      handler: (id, data, { app, trx, params, record }) =>
        runTicketAction(app, trx, id, action, data, params, record as TicketRow),
    } satisfies ActionDefinition,
  ]),
)

const ticketGuard = [guardTicket()]
const messageGuard = [guardMessages()]

/**
 * Customer service: tickets with a workflow and SLA targets by priority, agent replies and
 * internal notes, breach recording (at replies, transitions and by `checkSlaBreaches` for the
 * scheduler), satisfaction on close. See docs/service.md.
 */
export default definePlugin<ServiceApi>({
  name: 'service',
  version: '1.0.0',
  description: {
    en: 'Service tickets, SLAs and customer satisfaction',
    'zh-CN': '服务工单、SLA 与客户满意度',
  },
  dependsOn: ['crm', 'orders'],
  entities: [fileURLToPath(new URL('../entities', import.meta.url))],
  hooks: {
    ticket: { create: [prepareTicket()], update: ticketGuard, patch: ticketGuard, remove: ticketGuard },
    ticketMessage: {
      create: [prepareMessage()],
      find: messageGuard,
      get: messageGuard,
      update: messageGuard,
      patch: messageGuard,
      remove: messageGuard,
    },
  },
  actions: { ticket: actions },
  rules: SERVICE_RULES,
  setup: (ctx) => serviceApi(ctx.app),
  async seed(ctx) {
    const started = performance.now()
    const agents = await createDemoUsers(
      ctx.app,
      [1, 2].map((i) => ({
        email: `agent${i}@demo.plume.local`,
        name: `Service agent ${i}`,
        roles: ['service_agent'],
      })),
    )
    const n = await ctx.knex.transaction(async (trx) => ({
      policies: await seedSlaPolicies(trx),
      ...(await seedTickets(trx, agents)),
    }))
    ctx.logger.info(
      `service demo data (${n.policies} SLA policies, ${n.tickets} tickets, ${n.messages} messages) in ${Math.round(performance.now() - started)} ms`,
    )
  },
})
