import type { Knex } from 'knex'
import { runAction, type PlumeApp } from '@plume/core'
import type { ServiceParams } from './context.js'
import { checkSlaBreaches, type SlaCheckResult } from './sla.js'
import { allowedTicketActions, type TicketAction } from './state-machine.js'
import type { TicketRow } from './types.js'

/** What `ctx.use('service')` returns. */
export interface ServiceApi {
  /**
   * Runs a ticket action in-process inside `trx` through the action layer (`runAction`): the same
   * path as `POST /api/tickets/:id/<action>`, authorized as `params.user` when given.
   */
  transition(
    trx: Knex.Transaction,
    ticketId: number,
    action: TicketAction,
    data?: Record<string, unknown>,
    params?: ServiceParams,
  ): Promise<TicketRow>
  allowedActions(status: string): TicketAction[]
  /** Records SLA breaches of open tickets as of `now` (for the scheduler): see `checkSlaBreaches`. */
  checkSlaBreaches(app: PlumeApp, now?: Date): Promise<SlaCheckResult>
}

/**
 * The service API of one app.
 * @example await serviceApi(app).checkSlaBreaches(app, new Date())
 */
export function serviceApi(app: PlumeApp): ServiceApi {
  return {
    transition: (trx, ticketId, action, data = {}, params = {}) =>
      runAction<TicketRow>(app, { entity: 'ticket', id: ticketId, action, data, params, trx }),
    allowedActions: allowedTicketActions,
    checkSlaBreaches,
  }
}
