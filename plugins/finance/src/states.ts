import { Conflict } from '@feathersjs/errors'

type Machine = Readonly<Record<string, readonly string[]>>

/** Invoice actions by the states they start from. */
export const INVOICE_ACTIONS: Machine = { issue: ['draft'], void: ['draft', 'issued'] }
/** Credit note actions by the states they start from. */
export const CREDIT_NOTE_ACTIONS: Machine = { issue: ['draft'], apply: ['issued'], void: ['draft', 'issued'] }

/**
 * Actions allowed in a state.
 * @example allowedIn(INVOICE_ACTIONS, 'draft') // ['issue', 'void']
 */
export const allowedIn = (machine: Machine, status: string): string[] =>
  Object.keys(machine).filter((a) => machine[a]!.includes(status))

/**
 * Throws 409 unless `action` may run in `status`, listing the allowed ones.
 * @example assertAction(INVOICE_ACTIONS, 'invoice INV-2026-000001', 'issue', 'paid') // Conflict: Cannot issue invoice INV-2026-000001 in state paid; allowed: none
 */
export function assertAction(machine: Machine, what: string, action: string, status: string): void {
  if (machine[action]?.includes(status)) return
  const allowed = allowedIn(machine, status)
  throw new Conflict(
    `Cannot ${action} ${what} in state ${status}; allowed: ${allowed.length ? allowed.join(', ') : 'none'}`,
    { status, action, allowed },
  )
}
