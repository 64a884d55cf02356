import { describe, expect, it } from 'vitest'
import { ACTIONS, allowedActions, assertTransition, TRANSITIONS } from '../state-machine.js'

describe('order state machine', () => {
  it('walks the happy path draft → closed', () => {
    let status: string = 'draft'
    for (const action of ['submit', 'approve', 'ship', 'deliver', 'close'] as const)
      status = assertTransition(action, status).to
    expect(status).toBe('closed')
  })

  it('allows cancel only before shipping', () => {
    expect(TRANSITIONS.cancel.from).toEqual(['draft', 'submitted', 'approved'])
    for (const s of ['shipped', 'delivered', 'closed', 'cancelled'])
      expect(allowedActions(s)).not.toContain('cancel')
  })

  it('names the allowed actions in an illegal transition', () => {
    expect(() => assertTransition('ship', 'draft')).toThrow(
      'Cannot ship an order in state draft; allowed: submit, cancel',
    )
    expect(() => assertTransition('approve', 'closed')).toThrow(
      'Cannot approve an order in state closed; allowed: none',
    )
    try {
      assertTransition('deliver', 'submitted')
    } catch (err) {
      expect((err as { code: number }).code).toBe(409)
      expect((err as { data: unknown }).data).toEqual({
        reason: 'state',
        status: 'submitted',
        action: 'deliver',
        allowed: ['approve', 'cancel'],
      })
    }
  })

  it('has exactly one way into each state', () => {
    const targets = ACTIONS.map((a) => TRANSITIONS[a].to)
    expect(new Set(targets).size).toBe(targets.length)
  })
})
