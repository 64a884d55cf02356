import { Forbidden } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'
import {
  assertAgent,
  callerPartner,
  invalid,
  isInternal,
  nowOf,
  trxOf,
  type ServiceParams,
} from '../context.js'
import { nextTicketNumber } from '../number.js'
import { dueTimes, policyFor } from '../sla.js'

/**
 * A new ticket: numbered (`TKT-2026-000001`), `new` (or `assigned` when created with an agent or
 * team), its SLA clock started now and its due times taken from the priority's policy. The order
 * must be the customer's, the assignee an agent; partner users open tickets for their own
 * partner's customers (channel `partner` by default). Satisfaction waits for the close.
 * @example hooks: { ticket: { create: [prepareTicket()] } }
 */
export const prepareTicket = () => async (context: HookContext, next: NextFunction) => {
  if (isInternal(context.params)) return next()
  const params = context.params as ServiceParams
  const trx = trxOf(context)
  const data = context.data as Record<string, unknown>
  const now = nowOf(params)
  const customer = (await trx('customers')
    .select('partnerId')
    .where('id', data.customerId as number)
    .first()) as { partnerId: number | null } | undefined
  const partnerId = callerPartner(params)
  if (!customer) throw invalid('/customerId', 'does not exist')
  if (partnerId && customer.partnerId !== partnerId)
    throw new Forbidden("Partner users open tickets for their own partner's customers only")
  if (data.orderId !== undefined && data.orderId !== null) {
    const order = (await trx('orders')
      .select('customerId')
      .where('id', data.orderId as number)
      .first()) as { customerId: number } | undefined
    if (!order || order.customerId !== data.customerId)
      throw invalid('/orderId', "must be one of the customer's orders")
  }
  if (data.satisfaction !== undefined && data.satisfaction !== null)
    throw invalid('/satisfaction', 'is given when the ticket is closed')
  if (typeof data.assigneeId === 'number') await assertAgent(trx, data.assigneeId)
  if (partnerId && data.channel === undefined) data.channel = 'partner'
  const policy = await policyFor(trx, (data.priority as string | undefined) ?? 'normal')
  Object.assign(data, {
    number: await nextTicketNumber(trx, now),
    status: data.assigneeId || data.team ? 'assigned' : 'new',
    openedAt: now.toISOString(),
    ...dueTimes(now, policy),
    firstRespondedAt: null,
    resolvedAt: null,
    closedAt: null,
    slaBreached: false,
    firstResponseBreached: false,
    resolutionBreached: false,
    slaBreachedAt: null,
    reopenCount: 0,
  })
  return next()
}
