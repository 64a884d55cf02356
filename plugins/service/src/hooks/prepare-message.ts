import { Conflict, Forbidden, NotFound } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'
import type { PlumeApp } from '@plume/core'
import {
  AGENT_ROLE,
  callerPartner,
  hasRole,
  INTERNAL,
  invalid,
  isInternal,
  nowOf,
  trxOf,
  type ServiceParams,
} from '../context.js'
import { breachesAt } from '../sla.js'
import type { TicketRow } from '../types.js'

/**
 * A message on a ticket, in the ticket's lock: the author is the caller (external calls); partner
 * users write customer-visible replies on their partner's tickets only; a closed ticket takes only
 * internal notes. The first customer-visible reply by an agent sets `firstRespondedAt` (recording
 * a first-response breach if it came late); a customer reply on a `waiting` ticket puts it back
 * `in_progress`.
 * @example hooks: { ticketMessage: { create: [prepareMessage()] } }
 */
export const prepareMessage = () => async (context: HookContext, next: NextFunction) => {
  if (isInternal(context.params)) return next()
  const params = context.params as ServiceParams
  const trx = trxOf(context)
  const data = context.data as Record<string, unknown>
  const now = nowOf(params)
  const ticket = (await trx('tickets')
    .where('id', data.ticketId as number)
    .forUpdate()
    .first()) as TicketRow | undefined
  if (!ticket) throw invalid('/ticketId', 'does not exist')
  const partnerId = callerPartner(params)
  if (partnerId) {
    const customer = (await trx('customers').select('partnerId').where('id', ticket.customerId).first()) as {
      partnerId: number | null
    }
    if (customer.partnerId !== partnerId) throw new NotFound(`No ticket with id ${ticket.id}`)
    if (data.internal === true) throw new Forbidden('Partner users cannot write internal notes')
  }
  if (params.provider) data.authorId = params.user?.id ?? null
  const internal = data.internal === true
  if (ticket.status === 'closed' && !internal)
    throw new Conflict(`Ticket ${ticket.number} is closed: reopen it to reply`)
  const author =
    typeof data.authorId === 'number'
      ? ((await trx('users').select('roles', 'partnerId').where('id', data.authorId).first()) as
          { roles: unknown; partnerId: number | null } | undefined)
      : undefined
  const byAgent = !!author && author.partnerId === null && hasRole(author.roles, AGENT_ROLE)
  await next()
  const set: Record<string, unknown> = {}
  if (!internal && byAgent && !ticket.firstRespondedAt) {
    set.firstRespondedAt = now.toISOString()
    Object.assign(set, breachesAt({ ...ticket, firstRespondedAt: now }, now))
  }
  if (!internal && !byAgent && ticket.status === 'waiting') set.status = 'in_progress'
  if (Object.keys(set).length)
    await (context.app as PlumeApp)
      .service('api/tickets')
      .patch(ticket.id, set, { transaction: trx, [INTERNAL]: true })
}
