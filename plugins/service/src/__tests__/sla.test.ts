import { describe, expect, it } from 'vitest'
import { breachesAt, dueTimes } from '../sla.js'
import { allowedTicketActions, assertTicketTransition } from '../state-machine.js'

const t0 = new Date('2026-11-25T08:00:00.000Z')
const min = (n: number) => new Date(t0.getTime() + n * 60_000)
const policy = { priority: 'high', firstResponseMinutes: 60, resolutionMinutes: 480 }
const fresh = () => ({
  ...dueTimes(t0, policy),
  firstRespondedAt: null,
  resolvedAt: null,
  firstResponseBreached: false,
  resolutionBreached: false,
  slaBreachedAt: null,
})

describe('SLA', () => {
  it('due times come from the policy, none without one', () => {
    expect(dueTimes(t0, policy)).toEqual({
      firstResponseDueAt: '2026-11-25T09:00:00.000Z',
      resolutionDueAt: '2026-11-25T16:00:00.000Z',
    })
    expect(dueTimes(t0, undefined)).toEqual({ firstResponseDueAt: null, resolutionDueAt: null })
  })

  it('a breach is found once, and keeps the time it was first found', () => {
    expect(breachesAt(fresh(), min(60))).toEqual({})
    expect(breachesAt(fresh(), min(61))).toEqual({
      firstResponseBreached: true,
      slaBreached: true,
      slaBreachedAt: min(61).toISOString(),
    })
    expect(breachesAt({ ...fresh(), firstRespondedAt: min(30) }, min(200))).toEqual({})
    const later = breachesAt(
      { ...fresh(), firstRespondedAt: min(30), firstResponseBreached: false, slaBreachedAt: min(70) },
      min(481),
    )
    expect(later).toEqual({
      resolutionBreached: true,
      slaBreached: true,
      slaBreachedAt: min(70).toISOString(),
    })
    expect(
      breachesAt(
        { ...fresh(), firstResponseBreached: true, firstRespondedAt: min(90), resolvedAt: min(300) },
        min(1000),
      ),
    ).toEqual({})
  })
})

describe('ticket workflow', () => {
  it('lists the allowed actions per state', () => {
    expect(allowedTicketActions('new')).toEqual(['assign'])
    expect(allowedTicketActions('waiting')).toEqual(['assign', 'start', 'resolve'])
    expect(allowedTicketActions('closed')).toEqual(['reopen'])
    expect(assertTicketTransition('assign', 'new', 'T')).toBe('assigned')
    expect(assertTicketTransition('assign', 'waiting', 'T')).toBe('waiting')
    expect(() => assertTicketTransition('close', 'in_progress', 'TKT-1')).toThrow(
      'Cannot close ticket TKT-1 in state in_progress; allowed: assign, wait, resolve',
    )
  })
})
