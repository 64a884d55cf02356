import type { Knex } from 'knex'
import type { PlumeApp } from '@plume/core'
import {
  AGENT_ROLE,
  assertAgent,
  hasRole,
  INTERNAL,
  invalid,
  nowOf,
  readBody,
  type ServiceParams,
} from './context.js'
import { breachesAt } from './sla.js'
import { assertTicketTransition, type TicketAction } from './state-machine.js'
import type { TicketRow } from './types.js'

const BODIES: Record<TicketAction, readonly string[]> = {
  assign: ['assigneeId', 'team'],
  start: [],
  wait: [],
  resolve: [],
  close: ['satisfaction'],
  reopen: [],
}

/** `assign {assigneeId?, team?}`: an agent, a team or both; an empty body assigns the calling agent. */
async function assignment(
  trx: Knex.Transaction,
  body: Record<string, unknown>,
  params: ServiceParams,
): Promise<Record<string, unknown>> {
  const set: Record<string, unknown> = {}
  if (body.assigneeId !== undefined && body.assigneeId !== null) {
    if (typeof body.assigneeId !== 'number' || !Number.isInteger(body.assigneeId) || body.assigneeId < 1)
      throw invalid('/assigneeId', 'must be a user id')
    await assertAgent(trx, body.assigneeId)
    set.assigneeId = body.assigneeId
  }
  if (body.team !== undefined && body.team !== null) {
    if (typeof body.team !== 'string' || body.team.trim().length === 0 || body.team.length > 100)
      throw invalid('/team', 'must be a team name of 1 to 100 characters')
    set.team = body.team.trim()
  }
  if (Object.keys(set).length === 0) {
    const me = params.user
    if (!me?.id || !hasRole(me.roles, AGENT_ROLE)) throw invalid('/assigneeId', 'or team is required')
    await assertAgent(trx, me.id)
    set.assigneeId = me.id
  }
  return set
}

function satisfaction(body: Record<string, unknown>): Record<string, unknown> {
  if (body.satisfaction === undefined || body.satisfaction === null) return {}
  const s = body.satisfaction
  if (typeof s !== 'number' || !Number.isInteger(s) || s < 1 || s > 5)
    throw invalid('/satisfaction', 'must be an integer from 1 to 5')
  return { satisfaction: s }
}

/**
 * Runs one ticket action inside `trx`: checks the workflow (409 listing the allowed actions),
 * stamps resolvedAt/closedAt, takes the satisfaction score on close, clears them on reopen,
 * and records SLA breaches as of now (`params.now` for in-process callers).
 * @example await runTicketAction(app, trx, 5, 'close', { satisfaction: 4 }, { now: new Date() }, lockedTicket)
 */
export async function runTicketAction(
  app: PlumeApp,
  trx: Knex.Transaction,
  id: number,
  action: TicketAction,
  data: unknown,
  params: ServiceParams,
  ticket: TicketRow,
): Promise<TicketRow> {
  const body = readBody(data, BODIES[action])
  const now = nowOf(params)
  const status = assertTicketTransition(action, ticket.status, ticket.number)
  const set: Record<string, unknown> = { status }
  if (action === 'assign') Object.assign(set, await assignment(trx, body, params))
  if (action === 'resolve') set.resolvedAt = now.toISOString()
  if (action === 'close') Object.assign(set, { closedAt: now.toISOString() }, satisfaction(body))
  if (action === 'reopen')
    Object.assign(set, {
      resolvedAt: null,
      closedAt: null,
      satisfaction: null,
      reopenCount: (ticket.reopenCount ?? 0) + 1,
    })
  Object.assign(set, breachesAt({ ...ticket, ...(set as Partial<TicketRow>) }, now))
  return (await app
    .service('api/tickets')
    .patch(id, set, { transaction: trx, [INTERNAL]: true })) as TicketRow
}
