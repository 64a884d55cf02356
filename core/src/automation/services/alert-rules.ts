import type { Id, NullableId, Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { PlumeApp } from '../../kernel/types.js'
import type { FieldError } from '../../validation/ajv.js'
import type { AutomationEngine } from '../engine.js'
import { shapeRule } from '../store.js'
import { getRule, invalidRule as invalid, parseRuleId as parseId, queryRules } from '../../rules/store.js'
import { changeRule, createRule, removeRule, type RuleScope } from '../../rules/versions.js'

export { invalid, parseId }
import { RULE_KINDS, type AutomationRule, type RuleKind, type StoredAutomationRule } from '../types.js'
import { validateAutomationRule } from '../validate.js'

export const ALERT_RULES_PATH = 'api/alert-rules'
const BODY_KEYS: ReadonlySet<string> = new Set(['definition', 'enabled', 'kind', 'version'])
const SCOPE: RuleScope = { kinds: RULE_KINDS, what: 'alert rule', auditEntity: 'alertRule' }

interface Body {
  definition?: AutomationRule
  enabled?: boolean
  kind?: RuleKind
  version?: number
}

/**
 * `api/alert-rules`: alert and automation rules as data, in the shared `plume_rules` table
 * (kind `alert` | `automation`) with its history in `plume_rule_versions`. Every save is
 * validated (400 with `{path, message}` per problem), bumps `version`, and reloads the engine.
 * @example await app.service('api/alert-rules').create({ kind: 'alert', definition: rule })
 */
export class AlertRulesService {
  constructor(
    private readonly app: PlumeApp,
    private readonly engine: () => AutomationEngine,
  ) {}

  private get knex(): Knex {
    return this.app.get('db').knex
  }

  private body(data: unknown, partial: boolean, currentKind?: RuleKind, current?: AutomationRule): Body {
    if (!data || typeof data !== 'object' || Array.isArray(data))
      throw invalid([{ path: '', message: 'must be an object' }])
    let body = data as Record<string, unknown>
    // the rule itself is accepted as the body, too
    if (!('definition' in body) && 'trigger' in body) body = { definition: body }
    const errors: FieldError[] = []
    for (const k of Object.keys(body))
      if (!BODY_KEYS.has(k)) errors.push({ path: `/${k}`, message: 'is not allowed' })
    if (body.kind !== undefined && !RULE_KINDS.includes(body.kind as RuleKind))
      errors.push({ path: '/kind', message: 'must be "alert" or "automation"' })
    if (body.enabled !== undefined && typeof body.enabled !== 'boolean')
      errors.push({ path: '/enabled', message: 'must be boolean' })
    if (body.version !== undefined && !Number.isInteger(body.version))
      errors.push({ path: '/version', message: 'must be an integer' })
    const kind = (
      RULE_KINDS.includes(body.kind as RuleKind) ? body.kind : (currentKind ?? 'alert')
    ) as RuleKind
    const definition = body.definition ?? (body.kind !== undefined ? current : undefined)
    if (definition === undefined) {
      if (!partial) errors.push({ path: '/definition', message: 'is required' })
    } else {
      const ctx = { app: this.app, registry: this.engine().registry, kind }
      errors.push(
        ...validateAutomationRule(definition, ctx).map((e) => ({
          path: `/definition${e.path === '/' ? '' : e.path}`,
          message: e.message,
        })),
      )
    }
    if (errors.length) throw invalid(errors)
    return {
      ...(body.definition !== undefined ? { definition: body.definition as AutomationRule } : {}),
      ...(typeof body.enabled === 'boolean' ? { enabled: body.enabled } : {}),
      ...(body.kind !== undefined ? { kind } : {}),
      ...(typeof body.version === 'number' ? { version: body.version } : {}),
    }
  }

  async find(params: Params = {}): Promise<StoredAutomationRule[]> {
    return (
      (await queryRules(
        this.knex,
        (params.query ?? {}) as Record<string, unknown>,
        RULE_KINDS,
      )) as StoredAutomationRule[]
    ).map(shapeRule)
  }

  async get(id: Id): Promise<StoredAutomationRule> {
    return shapeRule(await getRule<StoredAutomationRule>(this.knex, id, 'alert rule', RULE_KINDS))
  }

  async create(data: unknown, params: Params = {}): Promise<StoredAutomationRule> {
    const { definition, enabled = true, kind = 'alert' } = this.body(data, false)
    const row = await createRule<StoredAutomationRule>(
      this.app,
      SCOPE,
      { kind, definition: definition!, enabled },
      params,
    )
    await this.engine().reload()
    return row
  }

  async patch(id: NullableId, data: unknown, params: Params = {}): Promise<StoredAutomationRule> {
    const current = await this.get(parseId(id))
    return this.change(current.id, this.body(data, true, current.kind, current.definition), params, 'patch')
  }

  async update(id: NullableId, data: unknown, params: Params = {}): Promise<StoredAutomationRule> {
    const current = await this.get(parseId(id))
    return this.change(current.id, this.body(data, false, current.kind), params, 'update')
  }

  private async change(
    key: number,
    body: Body,
    params: Params,
    action: 'patch' | 'update',
  ): Promise<StoredAutomationRule> {
    const row = await changeRule<StoredAutomationRule>(this.app, SCOPE, key, body, params, action)
    await this.engine().reload()
    return row
  }

  async remove(id: NullableId, params: Params = {}): Promise<StoredAutomationRule> {
    const row = await removeRule<StoredAutomationRule>(this.app, SCOPE, parseId(id), params)
    await this.engine().reload()
    return row
  }
}
