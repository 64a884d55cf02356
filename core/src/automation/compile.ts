import { CronExpressionParser } from 'cron-parser'
import { compile, type Compiled } from './conditions.js'
import { EVENT_FACTS } from './registry.js'
import { templateFacts, templatesIn } from './template.js'
import type { AutomationRule, StoredAutomationRule } from './types.js'

/** A stored rule ready to run. */
export interface CompiledRule {
  stored: StoredAutomationRule
  rule: AutomationRule
  condition: Compiled
  /** Facts read by conditions, forEach and templates. */
  reads: ReadonlySet<string>
  /** Facts templates read (kept with each action job). */
  templateReads: ReadonlySet<string>
  /** Index keys (event rules): `after|order|transition|ship`, `before|order|create|`… */
  key?: string
  schedule?: { cron: string; tz: string }
}

/** `<phase>|<entity>|<on>|<action or *>` */
export const eventKey = (phase: 'before' | 'after', entity: string, on: string, action?: string) =>
  `${phase}|${entity}|${on}|${action ?? '*'}`

/**
 * Compiles one stored rule (throws when its conditions or cron do not compile).
 * @example const c = compileRule(stored); c.condition.evaluate(facts)
 */
export function compileRule(stored: StoredAutomationRule): CompiledRule {
  const rule = stored.definition
  const condition = compile(rule.conditions)
  const templateReads = new Set<string>()
  for (const a of rule.actions)
    for (const { template } of templatesIn(a)) for (const f of templateFacts(template)) templateReads.add(f)
  const reads = new Set<string>([...condition.facts, ...templateReads])
  if (rule.forEach) reads.add(rule.forEach)
  const t = rule.trigger
  if (t.type === 'event') {
    return {
      stored,
      rule,
      condition,
      reads,
      templateReads,
      key: eventKey(t.phase ?? 'after', t.entity, t.on, t.on === 'transition' ? t.action : undefined),
    }
  }
  const tz = t.timezone ?? 'UTC'
  CronExpressionParser.parse(t.cron, { tz })
  return { stored, rule, condition, reads, templateReads, schedule: { cron: t.cron, tz } }
}

/** Registered (aggregate) facts a rule needs loaded. */
export const aggregateFacts = (c: CompiledRule): string[] =>
  [...c.reads].filter((f) => f !== 'item' && !EVENT_FACTS.has(f))

/**
 * The latest scheduled time at or before `now` in the rule's time zone.
 * @example lastSlot({ cron: '0 8 * * *', tz: 'Europe/Paris' }, new Date('2026-03-10T09:00:00Z')) // 2026-03-10T07:00:00Z
 */
export function lastSlot(schedule: { cron: string; tz: string }, now: Date): Date {
  const e = CronExpressionParser.parse(schedule.cron, {
    tz: schedule.tz,
    currentDate: new Date(now.getTime() + 1000),
  })
  return e.prev().toDate()
}
