/**
 * Alert and automation rules (stored as data in `plume_rules` with kind `alert` or `automation`;
 * defaults in a plugin's `rules/alerts/*.json` and the core's `metadata/rules/alerts/*.json`).
 * See docs/automation.md.
 */
import type { Knex } from 'knex'
import type { PlumeApp } from '../kernel/types.js'
import type { Condition } from '../rules/conditions.js'
import type { FieldError } from '../validation/ajv.js'

export type RuleKind = 'alert' | 'automation'
export const RULE_KINDS: readonly RuleKind[] = ['alert', 'automation']

export type EntityEvent = 'created' | 'patched' | 'updated' | 'removed' | 'transition'
export const ENTITY_EVENTS: readonly EntityEvent[] = [
  'created',
  'patched',
  'updated',
  'removed',
  'transition',
]

/** An entity event: a service write (after commit of its data, inside its transaction) or a state transition. */
export interface EventTrigger {
  type: 'event'
  entity: string
  on: EntityEvent
  /** For `transition`: the action (`submit`, `ship` …); absent = every transition. */
  action?: string
  /** `before` runs before the write and may only hold it; default `after`. */
  phase?: 'before' | 'after'
}

/** A cron schedule (5 or 6 fields), evaluated in `timezone` (IANA, default UTC). */
export interface ScheduleTrigger {
  type: 'schedule'
  cron: string
  timezone?: string
}

export type Trigger = EventTrigger | ScheduleTrigger

export type { Condition, FactRef, Leaf, Operator } from '../rules/conditions.js'

/** One action; `type` picks the executor (`notify`, `email`, `webhook`, `update`, `create`, `hold`). */
export interface ActionSpec {
  type: string
  [key: string]: unknown
}

export interface AutomationRule {
  name: string
  description?: string
  trigger: Trigger
  /** Name of a list fact: the conditions and actions run once per element, as the fact `item`. */
  forEach?: string
  conditions: Condition
  actions: ActionSpec[]
  /** At most `max` firings per `perSeconds` (the rest are recorded as `rate_limited`). */
  rateLimit?: { max: number; perSeconds: number }
}

/** The stored form (`plume_rules`). */
export interface StoredAutomationRule {
  id: number
  name: string
  kind: RuleKind
  definition: AutomationRule
  version: number
  enabled: boolean
  updatedAt: string | Date
  updatedBy: number | null
}

/** What fact loaders see. */
export interface FactContext {
  app: PlumeApp
  /** The transaction of the triggering write, or the database. Never use another connection. */
  db: Knex | Knex.Transaction
  now: Date
  /** Event triggers: the record and event. */
  record?: Record<string, unknown>
  event?: TriggerEvent
}

/** A named fact, loaded at most once per evaluation however many rules read it. */
export interface FactDefinition {
  name: string
  description?: string
  /** The entity of the rows (or of the object) it returns: hidden fields are removed per recipient. */
  entity?: string
  /** Returns a list (usable with `forEach`). */
  list?: boolean
  /** Keys of the value (of each element for a list): rules reading anything else are refused at save. */
  fields?: readonly string[]
  /** `event`: needs the triggering record; `schedule`: aggregate without a record; `any` (default). */
  scope?: 'event' | 'schedule' | 'any'
  load(ctx: FactContext): Promise<unknown>
}

/** An event as the engine receives it. */
export interface TriggerEvent {
  entity: string
  on: EntityEvent
  action?: string
  /** The record after the change (for `removed`: the removed row; for `before`: the would-be record). */
  record: Record<string, unknown>
  /** The record before a patch/update/transition. */
  previous?: Record<string, unknown>
  /** Incoming data of a write / the body of a transition. */
  data?: Record<string, unknown>
}

/** Everything an action's templates may read, kept with its job. */
export interface TemplateContext {
  [fact: string]: unknown
}

/** What an executor gets for one action of one firing. */
export interface ActionRun {
  app: PlumeApp
  /** Read through this (a dry run's transaction; the database in a job). */
  db: Knex | Knex.Transaction
  firingId: number | null
  rule: { id: number; name: string; version: number; kind: RuleKind }
  /** Template context (record, item, previous, event, now, loaded facts). */
  context: TemplateContext
  /** Entity of each context key holding a record (`record`, `item`, `previous`). */
  entities: Record<string, string>
  /** Loop depth of the firing that queued this action. */
  depth: number
  chain: string[]
  now: Date
  /** Dry run: describe, do nothing. */
  dryRun: boolean
  attempt: number
}

export interface ActionValidationContext {
  app: PlumeApp
  rule: AutomationRule
  kind: RuleKind
}

/** A kind of action. `execute` runs inside a job (retried on throw). */
export interface ActionExecutor {
  type: string
  /** Extra checks of the spec at save (paths relative to the action). */
  validate?(spec: ActionSpec, ctx: ActionValidationContext): FieldError[]
  /** What would happen (dry run); must not change anything. */
  preview(spec: ActionSpec, run: ActionRun): Promise<unknown>
  execute(spec: ActionSpec, run: ActionRun): Promise<unknown>
  /** Retry policy of its jobs (default 5 attempts, 30 s base). */
  retry?: { maxAttempts: number; backoffMs: number }
  /** Kinds that may use it (default both). */
  kinds?: RuleKind[]
}

export type { FieldError }
