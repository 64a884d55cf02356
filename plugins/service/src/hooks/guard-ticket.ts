import { Conflict, MethodNotAllowed, NotFound } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'
import { callerPartner, invalid, isInternal, trxOf, type ServiceParams } from '../context.js'
import { dueTimes, policyFor } from '../sla.js'
import type { TicketRow } from '../types.js'

/**
 * Client changes of a ticket: status, assignment and SLA fields move through the actions
 * (`assign`, `start`, …); satisfaction only once the ticket is resolved or closed; a new priority
 * re-times the open SLA targets from when the ticket was opened; only a `new` ticket may be
 * deleted. PUT is refused (it would reset what the actions set).
 * @example hooks: { ticket: { patch: [guardTicket()], update: [guardTicket()], remove: [guardTicket()] } }
 */
export const guardTicket = () => async (context: HookContext, next: NextFunction) => {
  if (isInternal(context.params) || !context.params.provider) return next()
  if (context.method === 'update')
    throw new MethodNotAllowed('Tickets are changed with PATCH and the ticket actions')
  const trx = trxOf(context)
  const ticket = (await trx('tickets').where('id', Number(context.id)).forUpdate().first()) as
    TicketRow | undefined
  const partnerId = callerPartner(context.params as ServiceParams)
  if (ticket && partnerId) {
    const customer = (await trx('customers').select('partnerId').where('id', ticket.customerId).first()) as {
      partnerId: number | null
    }
    if (customer.partnerId !== partnerId) throw new NotFound(`No ticket with id ${String(context.id)}`)
  }
  if (!ticket) throw new NotFound(`No ticket with id ${String(context.id)}`)
  if (context.method === 'remove') {
    if (ticket.status !== 'new')
      throw new Conflict(`Ticket ${ticket.number} is ${ticket.status}: only new tickets can be deleted`)
    return next()
  }
  const data = context.data as Record<string, unknown>
  for (const f of ['assigneeId', 'team'] as const) {
    if (f in data && data[f] !== ticket[f])
      throw new Conflict(`Ticket ${ticket.number}: assign it with POST /api/tickets/${ticket.id}/assign`)
  }
  if (
    'satisfaction' in data &&
    data.satisfaction !== ticket.satisfaction &&
    !['resolved', 'closed'].includes(ticket.status)
  ) {
    throw new Conflict(
      `Ticket ${ticket.number} is ${ticket.status}: satisfaction is given once it is resolved or closed`,
    )
  }
  const customerId = (data.customerId as number | undefined) ?? ticket.customerId
  const orderId = 'orderId' in data ? (data.orderId as number | null) : ticket.orderId
  if (orderId !== null && ('orderId' in data || 'customerId' in data)) {
    const order = (await trx('orders').select('customerId').where('id', orderId).first()) as
      { customerId: number } | undefined
    if (!order || order.customerId !== customerId)
      throw invalid('/orderId', "must be one of the customer's orders")
  }
  if (
    typeof data.priority === 'string' &&
    data.priority !== ticket.priority &&
    ticket.openedAt &&
    !['resolved', 'closed'].includes(ticket.status)
  ) {
    const due = dueTimes(new Date(ticket.openedAt), await policyFor(trx, data.priority))
    if (!ticket.firstRespondedAt) data.firstResponseDueAt = due.firstResponseDueAt
    data.resolutionDueAt = due.resolutionDueAt
  }
  return next()
}
