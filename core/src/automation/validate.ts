import { CronExpressionParser } from 'cron-parser'
import type { EntityDefinition } from '@plume/metadata'
import type { PlumeApp } from '../kernel/types.js'
import { isFactRef, leavesOf } from '../rules/conditions.js'
import { ruleShape, shapeErrors } from '../rules/schema.js'
import { didYouMean } from '../rules/suggest.js'
import { firstField, unknownFact, unknownField } from '../rules/validate.js'
import type { FieldError } from '../validation/ajv.js'
import { EVENT_FACTS, SCHEDULE_FACTS, type AutomationRegistry } from './registry.js'
import { automationRuleSchema } from './schema.js'
import { templateErrors, templateFacts, templatesIn } from './template.js'
import type { AutomationRule, RuleKind } from './types.js'

const checkShape = ruleShape<AutomationRule>(automationRuleSchema)

export interface AutomationRuleContext {
  app: PlumeApp
  registry: AutomationRegistry
  kind: RuleKind
}

/** Whether an IANA time zone is known to this runtime. */
export function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz })
    return true
  } catch {
    return false
  }
}

/**
 * Validates one alert/automation rule: shape (JSON Schema), trigger (entity, event, transition,
 * cron and time zone), every fact and field it reads, action types and their options, and the
 * syntax of every message template. Returns `{path, message}` per problem; empty = valid.
 * @example validateAutomationRule(rule, { app, registry, kind: 'alert' }) // [] or [{ path: '/trigger/entity', message: … }]
 */
export function validateAutomationRule(value: unknown, ctx: AutomationRuleContext): FieldError[] {
  if (!checkShape(value)) return shapeErrors(checkShape)
  const rule = value
  const errs: FieldError[] = []
  const entities = ctx.app.get('entities')
  const { registry } = ctx
  let entity: EntityDefinition | undefined
  const t = rule.trigger
  if (t.type === 'event') {
    entity = entities.get(t.entity)
    if (!entity)
      errs.push({
        path: '/trigger/entity',
        message: `unknown entity "${t.entity}"${didYouMean(t.entity, entities.keys())}`,
      })
    if (t.on === 'transition') {
      const actions = registry.transitions.get(t.entity)
      if (!actions) errs.push({ path: '/trigger/on', message: `${t.entity} has no state transitions` })
      else if (t.action && !actions.has(t.action))
        errs.push({
          path: '/trigger/action',
          message: `unknown transition "${t.action}" of ${t.entity}: ${[...actions].join(', ')}`,
        })
    } else if (t.action)
      errs.push({ path: '/trigger/action', message: 'only transition triggers take an action' })
    if (t.phase === 'before' && !rule.actions.every((a) => a.type === 'hold'))
      errs.push({ path: '/actions', message: 'a before-rule may only hold the operation (type "hold")' })
  } else {
    const tz = t.timezone ?? 'UTC'
    if (!validTimeZone(tz)) errs.push({ path: '/trigger/timezone', message: `unknown time zone "${tz}"` })
    else {
      try {
        CronExpressionParser.parse(t.cron, { tz, strict: false })
      } catch (err) {
        errs.push({ path: '/trigger/cron', message: `invalid cron expression: ${(err as Error).message}` })
      }
    }
  }
  const base = t.type === 'event' ? EVENT_FACTS : SCHEDULE_FACTS
  const factOk = (name: string, at: string): boolean => {
    if (name === 'item') {
      if (!rule.forEach) errs.push({ path: at, message: 'the item fact exists only with forEach' })
      return true
    }
    if (base.has(name)) return true
    const def = registry.facts.get(name)
    if (!def) {
      errs.push(unknownFact(name, at))
      return false
    }
    if (def.scope === 'event' && t.type !== 'event')
      errs.push({ path: at, message: `fact "${name}" needs an event (the triggering record)` })
    return true
  }
  const fieldOk = (name: string, path: string | undefined, at: string) => {
    const first = firstField(path)
    if (!first || first === 'id') return
    if (name === 'record' || name === 'previous' || name === 'changes' || name === 'data') {
      const err = entity && unknownField(entity, path, at)
      if (err) errs.push(err)
      return
    }
    const def = registry.facts.get(name === 'item' ? (rule.forEach ?? '') : name)
    if (def?.fields && !def.fields.includes(first))
      errs.push({
        path: at,
        message: `unknown field "${first}" of fact ${def.name}: ${def.fields.join(', ')}`,
      })
  }
  if (rule.forEach) {
    const def = registry.facts.get(rule.forEach)
    if (factOk(rule.forEach, '/forEach') && def && !def.list)
      errs.push({ path: '/forEach', message: `fact "${rule.forEach}" is not a list` })
    if (!def && base.has(rule.forEach))
      errs.push({ path: '/forEach', message: `fact "${rule.forEach}" is not a list` })
  }
  for (const { leaf, path } of leavesOf(rule.conditions, '/conditions')) {
    if (factOk(leaf.fact, `${path}/fact`)) fieldOk(leaf.fact, leaf.path, `${path}/path`)
    if (isFactRef(leaf.value) && factOk(leaf.value.fact, `${path}/value/fact`))
      fieldOk(leaf.value.fact, leaf.value.path, `${path}/value/path`)
    if (
      (leaf.operator === 'in' || leaf.operator === 'notIn') &&
      !Array.isArray(leaf.value) &&
      !isFactRef(leaf.value)
    )
      errs.push({ path: `${path}/value`, message: `${leaf.operator} needs a list` })
  }
  rule.actions.forEach((action, i) => {
    const at = `/actions/${i}`
    const exec = registry.executors.get(action.type)
    if (!exec)
      return errs.push({
        path: `${at}/type`,
        message: `unknown action "${action.type}": ${[...registry.executors.keys()].join(', ')}`,
      })
    if (exec.kinds && !exec.kinds.includes(ctx.kind))
      errs.push({
        path: `${at}/type`,
        message: `"${action.type}" is for ${exec.kinds.join('/')} rules, not ${ctx.kind}`,
      })
    if (action.type === 'hold' && (t.type !== 'event' || t.phase !== 'before'))
      errs.push({ path: `${at}/type`, message: 'hold needs an event trigger with phase "before"' })
    for (const { path, template } of templatesIn(action)) {
      for (const m of templateErrors(template)) errs.push({ path: `${at}${path}`, message: m })
      for (const f of templateFacts(template)) factOk(f, `${at}${path}`)
    }
    errs.push(
      ...(exec.validate?.(action, { app: ctx.app, rule, kind: ctx.kind }) ?? []).map((e) => ({
        path: `${at}${e.path === '/' ? '' : e.path}`,
        message: e.message,
      })),
    )
  })
  return errs
}
