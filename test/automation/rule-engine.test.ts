import { Engine } from 'json-rules-engine'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { AutomationRule, StoredAutomationRule } from '@plume/core/internal'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { engineOf, quietBackground } from './helpers.js'

quietBackground()

const notify = [{ type: 'notify', roles: ['admin'], title: 'x {{record.id}}' }]
let nextId = 900_000
const stored = (definition: AutomationRule): StoredAutomationRule => ({
  id: nextId++,
  name: definition.name,
  kind: 'alert',
  definition,
  version: 1,
  enabled: true,
  updatedAt: new Date(),
  updatedBy: null,
})
const onCustomer = (name: string, on: 'patched' | 'created', conditions: AutomationRule['conditions']) =>
  stored({ name, trigger: { type: 'event', entity: 'customer', on }, conditions, actions: notify })

describe('alert and automation rules run on json-rules-engine, indexed by trigger', () => {
  let p: TestPlatform
  const calls = { exposure: 0, other: 0, broken: 0 }
  let customer: Record<string, unknown> & { id: number }

  beforeAll(async () => {
    p = await startTestPlatform()
    const { registry } = engineOf(p)
    registry.fact({ name: 'exposure', load: async () => (calls.exposure++, { amount: '150.00' }) })
    registry.fact({ name: 'otherAggregate', load: async () => (calls.other++, 1) })
    registry.fact({
      name: 'brokenAggregate',
      load: async () => (calls.broken++, Promise.reject(new Error('query failed'))),
    })
    customer = (await p.app
      .service('api/customers')
      .create({ code: 'JRE-1', name: 'Rules', type: 'company' })) as typeof customer
  })
  afterAll(async () => {
    engineOf(p).load([])
    await engineOf(p).reload()
    await p.close()
  })

  const reset = () => Object.assign(calls, { exposure: 0, other: 0, broken: 0 })
  const patched = () => ({
    entity: 'customer',
    on: 'patched' as const,
    record: customer,
    previous: customer,
    data: { name: 'Rules' },
  })
  const knex = () => p.app.get('db').knex

  it('evaluates the rules through json-rules-engine and computes a shared aggregate fact once per event', async () => {
    const run = vi.spyOn(Engine.prototype, 'run')
    const engine = engineOf(p)
    engine.load([
      onCustomer('jre-a', 'patched', {
        all: [{ fact: 'exposure', path: '$.amount', operator: 'greaterThan', value: 100 }],
      }),
      onCustomer('jre-b', 'patched', {
        all: [{ fact: 'exposure', path: '$.amount', operator: 'lessThan', value: 1000 }],
      }),
      onCustomer('jre-c', 'patched', {
        any: [{ fact: 'exposure', path: '$.amount', operator: 'equal', value: 150 }],
      }),
    ])
    reset()
    const ids = await engine.emit(patched(), knex())
    expect(ids).toHaveLength(3)
    expect(calls.exposure).toBe(1)
    expect(run).toHaveBeenCalled()
    run.mockRestore()
  })

  it('does not compute an aggregate when no listening rule needs it: a failing record test comes first', async () => {
    const engine = engineOf(p)
    engine.load([
      onCustomer('lazy-a', 'patched', {
        all: [
          { fact: 'record', path: '$.code', operator: 'equal', value: 'NOT-THIS' },
          { fact: 'exposure', path: '$.amount', operator: 'greaterThan', value: 0 },
        ],
      }),
      onCustomer('lazy-b', 'patched', {
        all: [
          { fact: 'record', path: '$.type', operator: 'equal', value: 'person' },
          { fact: 'exposure', path: '$.amount', operator: 'greaterThan', value: 0 },
        ],
      }),
    ])
    reset()
    expect(await engine.emit(patched(), knex())).toEqual([])
    expect(calls.exposure).toBe(0)
  })

  it('evaluates only the rules listening to the event (a rule of another trigger never runs)', async () => {
    const engine = engineOf(p)
    engine.load([
      onCustomer('listens', 'patched', {
        all: [{ fact: 'record', path: '$.code', operator: 'equal', value: 'JRE-1' }],
      }),
      onCustomer('other-trigger', 'created', {
        all: [{ fact: 'otherAggregate', operator: 'greaterThan', value: 0 }],
      }),
      stored({
        name: 'other-entity',
        trigger: { type: 'event', entity: 'order', on: 'patched' },
        conditions: { all: [{ fact: 'otherAggregate', operator: 'greaterThan', value: 0 }] },
        actions: notify,
      }),
    ])
    expect(engine.rulesFor('after', 'customer', 'patched').map((r) => r.stored.name)).toEqual(['listens'])
    reset()
    expect(await engine.emit(patched(), knex())).toHaveLength(1)
    expect(calls.other).toBe(0)
    expect(await engine.emit({ entity: 'customer', on: 'removed', record: customer }, knex())).toEqual([])
    expect(calls.other).toBe(0)
  })

  it('skips the engine only when every listening rule is certainly false on the record; a possible match is decided by json-rules-engine', async () => {
    const run = vi.spyOn(Engine.prototype, 'run')
    const engine = engineOf(p)
    engine.load([
      onCustomer('pre-a', 'patched', {
        all: [{ fact: 'record', path: '$.code', operator: 'equal', value: 'NOT-THIS' }],
      }),
      onCustomer('pre-b', 'patched', {
        any: [{ fact: 'record', path: '$.type', operator: 'equal', value: 'person' }],
      }),
    ])
    expect(await engine.emit(patched(), knex())).toEqual([])
    expect(run).not.toHaveBeenCalled()
    engine.load([
      onCustomer('pre-a', 'patched', {
        all: [{ fact: 'record', path: '$.code', operator: 'equal', value: 'NOT-THIS' }],
      }),
      onCustomer('pre-c', 'patched', {
        all: [{ fact: 'record', path: '$.code', operator: 'equal', value: 'JRE-1' }],
      }),
    ])
    expect(await engine.emit(patched(), knex())).toHaveLength(1)
    expect(run).toHaveBeenCalledTimes(1)
    // a missing path is not "false": the engine decides and the rule does not fire (fail closed)
    run.mockClear()
    engine.load([
      onCustomer('pre-d', 'patched', {
        all: [{ fact: 'record', path: '$.nope.deeper', operator: 'equal', value: 1 }],
      }),
    ])
    expect(await engine.emit(patched(), knex())).toEqual([])
    expect(run).toHaveBeenCalledTimes(1)
    run.mockRestore()
  })

  it('fails closed per rule: a fact that throws or a missing path stops that rule only, and it is logged', async () => {
    const engine = engineOf(p)
    engine.load([
      onCustomer('throws', 'patched', {
        all: [{ fact: 'brokenAggregate', operator: 'greaterThan', value: 0 }],
      }),
      onCustomer('missing-path', 'patched', {
        not: { fact: 'record', path: '$.nothingHere', operator: 'equal', value: 1 },
      }),
      onCustomer('fine', 'patched', {
        all: [{ fact: 'exposure', path: '$.amount', operator: 'greaterThan', value: 100 }],
      }),
    ])
    reset()
    // the engine's own (child) logger
    const logger = (engine as unknown as { logger: { debug: (...a: unknown[]) => void } }).logger
    const debug = vi.spyOn(logger, 'debug')
    const ids = await engine.emit(patched(), knex())
    expect(ids).toHaveLength(1)
    const logged = debug.mock.calls.map((c) => c[0] as { rule?: string; error?: string })
    expect(logged).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ rule: 'throws', error: 'query failed' }),
        expect.objectContaining({ rule: 'missing-path', error: 'missing fact record.nothingHere' }),
      ]),
    )
    debug.mockRestore()
    const firing = (await knex()('plume_alert_firings').whereIn('id', ids).first()) as { ruleName: string }
    expect(firing.ruleName).toBe('fine')
  })

  it('runs concurrent events on one engine without skipping rules', async () => {
    const engine = engineOf(p)
    engine.load([
      onCustomer('conc-a', 'patched', {
        all: [{ fact: 'record', path: '$.code', operator: 'equal', value: 'JRE-1' }],
      }),
      onCustomer('conc-b', 'patched', {
        all: [{ fact: 'record', path: '$.type', operator: 'equal', value: 'company' }],
      }),
    ])
    const all = await Promise.all(Array.from({ length: 12 }, () => engine.emit(patched(), knex())))
    expect(all.map((ids) => ids.length)).toEqual(Array(12).fill(2))
  })
})
