import { Conflict } from '@feathersjs/errors'

export type OrderStatus =
  'draft' | 'submitted' | 'approved' | 'shipped' | 'delivered' | 'closed' | 'cancelled'
export type OrderAction = 'submit' | 'approve' | 'ship' | 'deliver' | 'close' | 'cancel'

export interface Transition {
  from: readonly OrderStatus[]
  to: OrderStatus
  /** Timestamp column set when the transition happens. */
  stamp?: 'submittedAt' | 'approvedAt' | 'shippedAt' | 'deliveredAt' | 'cancelledAt'
}

/** The order state machine: draft → submitted → approved → shipped → delivered → closed; cancel before shipping. */
export const TRANSITIONS: Readonly<Record<OrderAction, Transition>> = {
  submit: { from: ['draft'], to: 'submitted', stamp: 'submittedAt' },
  approve: { from: ['submitted'], to: 'approved', stamp: 'approvedAt' },
  ship: { from: ['approved'], to: 'shipped', stamp: 'shippedAt' },
  deliver: { from: ['shipped'], to: 'delivered', stamp: 'deliveredAt' },
  close: { from: ['delivered'], to: 'closed' },
  cancel: { from: ['draft', 'submitted', 'approved'], to: 'cancelled', stamp: 'cancelledAt' },
}

export const ACTIONS = Object.keys(TRANSITIONS) as OrderAction[]

/**
 * Actions allowed in a state, in the order of the life cycle.
 * @example allowedActions('draft') // ['submit', 'cancel']
 */
export function allowedActions(status: string): OrderAction[] {
  return ACTIONS.filter((a) => (TRANSITIONS[a].from as readonly string[]).includes(status))
}

/**
 * Throws 409 unless `action` is allowed in `status` (`data`: stable `reason: 'state'`, the status, the action and those allowed).
 * @example assertTransition('ship', 'draft') // Conflict: Cannot ship an order in state draft; allowed: submit, cancel
 */
export function assertTransition(action: OrderAction, status: string): Transition {
  const t = TRANSITIONS[action]
  if (!(t.from as readonly string[]).includes(status)) {
    const allowed = allowedActions(status)
    throw new Conflict(
      `Cannot ${action} an order in state ${status}; allowed: ${allowed.length ? allowed.join(', ') : 'none'}`,
      { reason: 'state', status, action, allowed },
    )
  }
  return t
}
