import { Engine } from 'json-rules-engine'
import { describe, expect, it } from 'vitest'
import { compileCondition, MissingFact } from '../conditions.js'
import type { ConditionNode, Facts, LeafCondition } from '../types.js'

const facts = (over: Partial<Facts['user']> = {}, extra: Partial<Facts> = {}): Facts => ({
  user: {
    id: 7,
    roles: ['sales_rep', 'auditor'],
    partnerId: 3,
    attributes: { region: 'EU', level: 4 },
    ...over,
  },
  action: 'patch',
  entity: 'order',
  data: { status: 'draft', total: 12.5, tags: ['a', 'b'] },
  record: { status: 'submitted', total: '99.10' },
  ...extra,
})

/** What json-rules-engine itself says about a condition (the reference semantics). */
async function reference(conditions: ConditionNode, f: Facts): Promise<boolean> {
  const engine = new Engine([], { allowUndefinedFacts: false })
  for (const [name, value] of Object.entries(f)) engine.addFact(name, value as never)
  engine.addRule({ conditions: conditions as never, event: { type: 'hit' } })
  const { events } = await engine.run()
  return events.length > 0
}

const leaves: LeafCondition[] = [
  { fact: 'user', path: '$.roles', operator: 'contains', value: 'sales_rep' },
  { fact: 'user', path: '$.roles', operator: 'contains', value: 'admin' },
  { fact: 'user', path: '$.roles', operator: 'doesNotContain', value: 'admin' },
  { fact: 'user', path: '$.partnerId', operator: 'equal', value: 3 },
  { fact: 'user', path: '$.partnerId', operator: 'notEqual', value: 3 },
  { fact: 'user', path: '$.partnerId', operator: 'in', value: [1, 2, 3] },
  { fact: 'user', path: '$.partnerId', operator: 'notIn', value: [1, 2] },
  { fact: 'user', path: '$.attributes.level', operator: 'greaterThan', value: 3 },
  { fact: 'user', path: '$.attributes.level', operator: 'lessThanInclusive', value: 3 },
  { fact: 'user', path: '$.attributes.region', operator: 'greaterThan', value: 3 },
  { fact: 'user', path: '$.attributes.region', operator: 'equal', value: 'EU' },
  { fact: 'action', operator: 'equal', value: 'patch' },
  { fact: 'entity', operator: 'in', value: ['customer', 'order'] },
  { fact: 'data', path: '$.status', operator: 'equal', value: 'draft' },
  { fact: 'data', path: '$.total', operator: 'lessThan', value: 100 },
  { fact: 'data', path: '$.tags', operator: 'contains', value: 'b' },
  { fact: 'record', path: '$.total', operator: 'greaterThanInclusive', value: 99 },
  { fact: 'record', path: '$.status', operator: 'notEqual', value: 'draft' },
  { fact: 'user', path: '$.id', operator: 'equal', value: { fact: 'user', path: '$.id' } },
  { fact: 'data', path: '$.status', operator: 'equal', value: { fact: 'record', path: '$.status' } },
]

describe('compiled conditions agree with json-rules-engine', () => {
  it('on every built-in operator', async () => {
    for (const leaf of leaves) {
      const c: ConditionNode = { all: [leaf] }
      expect(compileCondition(c).evaluate(facts()), JSON.stringify(leaf)).toBe(await reference(c, facts()))
    }
  })

  it('on all / any / not trees, including empty ones', async () => {
    const trees: ConditionNode[] = [
      { all: [] },
      { any: [] },
      { not: leaves[0]! },
      { any: [leaves[1]!, { all: [leaves[3]!, { not: leaves[4]! }] }] },
      { all: [leaves[0]!, leaves[7]!, { any: [leaves[1]!, leaves[10]!] }] },
    ]
    for (const t of trees)
      expect(compileCondition(t).evaluate(facts()), JSON.stringify(t)).toBe(await reference(t, facts()))
  })

  it('records which facts and user paths a condition reads', () => {
    const c = compileCondition({ all: [leaves[0]!, leaves[13]!, { not: leaves[3]! }] })
    expect([...c.facts].sort()).toEqual(['data', 'user'])
    expect([...c.userPaths].sort()).toEqual(['$.partnerId', '$.roles'])
  })
})

describe('fail closed', () => {
  it('a missing fact or path throws MissingFact (never a silent false or true)', () => {
    const c = compileCondition({
      all: [{ fact: 'user', path: '$.attributes.suspended', operator: 'notEqual', value: true }],
    })
    expect(() => c.evaluate(facts())).toThrow(MissingFact)
    const data = compileCondition({
      all: [{ fact: 'data', path: '$.status', operator: 'equal', value: 'x' }],
    })
    expect(() => data.evaluate({ ...facts(), data: undefined })).toThrow(MissingFact)
  })

  it('a list operator on a non-list throws', () => {
    const c = compileCondition({ all: [{ fact: 'user', path: '$.id', operator: 'in', value: 5 }] })
    expect(() => c.evaluate(facts())).toThrow(TypeError)
  })

  it('does not walk the prototype chain', () => {
    const c = compileCondition({
      all: [{ fact: 'user', path: '$.constructor', operator: 'equal', value: 1 }],
    })
    expect(() => c.evaluate(facts())).toThrow(MissingFact)
  })
})
