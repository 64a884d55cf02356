/**
 * The facts an engine run starts from (the event, the actor, the time), the provenance a write
 * carries, and what an action job keeps of a rule's facts (split out of engine.ts).
 */
import { userFact } from '../permissions/engine.js'
import type { CompiledRule } from './compile.js'
import { changesOf, type Facts } from './conditions.js'
import type { AutomationRegistry } from './registry.js'
import type { TemplateContext, TriggerEvent } from './types.js'

/** How a write reached the engine: the depth and rule chain travel in `params.automation`. */
export interface Provenance {
  depth: number
  chain: string[]
}

export const nowFact = (now: Date) => ({
  iso: now.toISOString(),
  epoch: now.getTime(),
  date: now.toISOString().slice(0, 10),
})

export function provenanceOf(params: Record<string, unknown> | undefined): Provenance {
  const a = params?.automation as Partial<Provenance> | undefined
  return {
    depth: typeof a?.depth === 'number' ? a.depth : 0,
    chain: Array.isArray(a?.chain) ? a.chain.filter((c): c is string => typeof c === 'string') : [],
  }
}

const actorOf = (params: Record<string, unknown> | undefined) => {
  const u = userFact(params?.user)
  return u
    ? { id: u.id, roles: u.roles, partnerId: u.partnerId, ...(u.email ? { email: u.email } : {}) }
    : { id: 0, roles: ['system'], partnerId: null }
}

/** The facts of an entity event: record, previous and changes, data, event, user, now. */
export function baseFacts(
  event: TriggerEvent,
  params: Record<string, unknown> | undefined,
  now: Date,
  phase: 'before' | 'after',
): Facts {
  return {
    record: event.record,
    ...(event.previous ? { previous: event.previous, changes: changesOf(event.previous, event.record) } : {}),
    ...(event.data ? { data: event.data } : {}),
    event: { entity: event.entity, on: event.on, phase, ...(event.action ? { action: event.action } : {}) },
    user: actorOf(params),
    now: nowFact(now),
  }
}

/** The template context kept with each action job: the record facts and what templates read. */
export function contextOf(cr: CompiledRule, facts: Facts): TemplateContext {
  const ctx: TemplateContext = {}
  for (const k of [
    'record',
    'previous',
    'changes',
    'data',
    'event',
    'now',
    'item',
    'user',
    ...cr.templateReads,
  ])
    if (facts[k] !== undefined) ctx[k] = facts[k]
  return ctx
}

/** The entity of each context key an action may read (for field permissions at run time). */
export function entitiesOf(registry: AutomationRegistry, cr: CompiledRule): Record<string, string> {
  const out: Record<string, string> = {}
  const t = cr.rule.trigger
  if (t.type === 'event')
    Object.assign(out, { record: t.entity, previous: t.entity, changes: t.entity, data: t.entity })
  const itemEntity = cr.rule.forEach ? registry.facts.get(cr.rule.forEach)?.entity : undefined
  if (itemEntity) out.item = itemEntity
  for (const name of cr.templateReads) {
    const e = registry.facts.get(name)?.entity
    if (e) out[name] = e
  }
  return out
}
