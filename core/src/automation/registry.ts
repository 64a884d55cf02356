import type { ActionExecutor, FactDefinition } from './types.js'

/** Facts every event rule may read, besides registered ones. */
export const EVENT_FACTS: ReadonlySet<string> = new Set([
  'record',
  'previous',
  'changes',
  'data',
  'event',
  'user',
  'now',
])
/** Facts every schedule rule may read. */
export const SCHEDULE_FACTS: ReadonlySet<string> = new Set(['now'])

/**
 * What plugins contribute to the automation engine: named facts (aggregates), action executors,
 * and the state transitions of entities (`order`: submit, approve …) rules may listen to.
 * @example automationOf(app).registry.fact({ name: 'lowStock', list: true, entity: 'stockLevel', load })
 */
export class AutomationRegistry {
  readonly facts = new Map<string, FactDefinition>()
  readonly executors = new Map<string, ActionExecutor>()
  readonly transitions = new Map<string, ReadonlySet<string>>()

  fact(def: FactDefinition): void {
    this.facts.set(def.name, def)
  }

  action(executor: ActionExecutor): void {
    this.executors.set(executor.type, executor)
  }

  /** Declares the transition actions of an entity (a state machine a plugin runs). */
  transitionsOf(entity: string, actions: readonly string[]): void {
    this.transitions.set(entity, new Set(actions))
  }
}
