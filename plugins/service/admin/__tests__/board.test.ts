import { describe, expect, it } from 'vitest'
import { ageOf, movesFrom } from '../board'

describe('ticket board moves', () => {
  it('maps the offered actions to target columns', () => {
    expect(movesFrom('new', ['assign'])).toEqual({ assigned: 'assign' })
    expect(movesFrom('in_progress', ['assign', 'wait', 'resolve'])).toEqual({
      waiting: 'wait',
      resolved: 'resolve',
    })
    expect(movesFrom('resolved', ['close', 'reopen'])).toEqual({ closed: 'close', in_progress: 'reopen' })
  })
  it('offers nothing the server does not offer', () => {
    expect(movesFrom('new', [])).toEqual({})
    expect(movesFrom('assigned', ['start'])).toEqual({ in_progress: 'start' })
  })
  it('ages in hours, then days', () => {
    expect(ageOf('2026-12-01T00:00:00Z', Date.parse('2026-12-01T05:30:00Z'))).toEqual({ n: 5, unit: 'h' })
    expect(ageOf('2026-12-01T00:00:00Z', Date.parse('2026-12-04T01:00:00Z'))).toEqual({ n: 3, unit: 'd' })
  })
})
