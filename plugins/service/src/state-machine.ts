import { Conflict } from '@feathersjs/errors'

export type TicketStatus = 'new' | 'assigned' | 'in_progress' | 'waiting' | 'resolved' | 'closed'
export type TicketAction = 'assign' | 'start' | 'wait' | 'resolve' | 'close' | 'reopen'

export interface TicketTransition {
  from: readonly TicketStatus[]
  /** The state after the action; `assign` keeps an in-progress or waiting ticket where it is (reassignment). */
  to(from: TicketStatus): TicketStatus
}

const to = (s: TicketStatus) => () => s

/**
 * The ticket workflow: new → assigned → in_progress ⇄ waiting → resolved → closed; reopen from
 * resolved or closed back to in_progress; assign also reassigns a ticket being worked on.
 */
export const TICKET_TRANSITIONS: Readonly<Record<TicketAction, TicketTransition>> = {
  assign: {
    from: ['new', 'assigned', 'in_progress', 'waiting'],
    to: (from) => (from === 'new' ? 'assigned' : from),
  },
  start: { from: ['assigned', 'waiting'], to: to('in_progress') },
  wait: { from: ['in_progress'], to: to('waiting') },
  resolve: { from: ['assigned', 'in_progress', 'waiting'], to: to('resolved') },
  close: { from: ['resolved'], to: to('closed') },
  reopen: { from: ['resolved', 'closed'], to: to('in_progress') },
}

export const TICKET_ACTIONS = Object.keys(TICKET_TRANSITIONS) as TicketAction[]

/**
 * Actions allowed in a state, in workflow order.
 * @example allowedTicketActions('new') // ['assign']
 */
export function allowedTicketActions(status: string): TicketAction[] {
  return TICKET_ACTIONS.filter((a) => (TICKET_TRANSITIONS[a].from as readonly string[]).includes(status))
}

/**
 * The state after `action`, or 409 listing the allowed actions.
 * @example assertTicketTransition('start', 'new') // Conflict: Cannot start ticket TKT-2026-000001 in state new; allowed: assign
 */
export function assertTicketTransition(
  action: TicketAction,
  status: TicketStatus,
  number: string,
): TicketStatus {
  const t = TICKET_TRANSITIONS[action]
  if (!t.from.includes(status)) {
    const allowed = allowedTicketActions(status)
    throw new Conflict(
      `Cannot ${action} ticket ${number} in state ${status}; allowed: ${allowed.length ? allowed.join(', ') : 'none'}`,
      { status, action, allowed },
    )
  }
  return t.to(status)
}
