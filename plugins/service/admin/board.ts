/** The ticket board's columns and which action moves a card between them (the service plugin's workflow). */

export const COLUMNS = ['new', 'assigned', 'in_progress', 'waiting', 'resolved', 'closed'] as const
export type Column = (typeof COLUMNS)[number]

/** The state each action leads to (`assign` moves only a new ticket: elsewhere it reassigns in place). */
const TARGET: Record<string, Column> = {
  assign: 'assigned',
  start: 'in_progress',
  wait: 'waiting',
  resolve: 'resolved',
  close: 'closed',
  reopen: 'in_progress',
}

/**
 * Target column → the action that moves a card there, from the actions the server offers on it now
 * (`GET /api/tickets/:id/actions`: allowed in its state and to this user).
 * @example movesFrom('new', ['assign']) // { assigned: 'assign' }
 */
export function movesFrom(status: string, offered: readonly string[]): Partial<Record<Column, string>> {
  const moves: Partial<Record<Column, string>> = {}
  for (const action of offered) {
    const to = TARGET[action]
    if (!to || to === status || (action === 'assign' && status !== 'new')) continue
    moves[to] ??= action
  }
  return moves
}

/**
 * Whole hours since `iso` as a short age: "5 h" under two days, else "3 d".
 * @example ageOf('2026-12-01T00:00:00Z', Date.parse('2026-12-01T05:00:00Z')) // { n: 5, unit: 'h' }
 */
export function ageOf(iso: string, now: number): { n: number; unit: 'h' | 'd' } {
  const hours = Math.max(0, Math.floor((now - Date.parse(iso)) / 3_600_000))
  return hours < 48 ? { n: hours, unit: 'h' } : { n: Math.floor(hours / 24), unit: 'd' }
}
