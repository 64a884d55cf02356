import type { Id, NullableId, Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { PlumeApp } from '../kernel/types.js'
import type { FieldError } from '../validation/ajv.js'
import { ruleContext } from './resources.js'
import {
  getRule,
  invalidRule as invalid,
  parseRuleId as parseId,
  queryRules,
  shapeStored as shape,
} from '../rules/store.js'
import { changeRule, createRule, removeRule, type RuleChange, type RuleScope } from '../rules/versions.js'
import type { PermissionRule, StoredRule } from './types.js'
import { validateRule } from './validate.js'

const BODY_KEYS: ReadonlySet<string> = new Set(['definition', 'enabled', 'kind', 'version'])
const SCOPE: RuleScope = { what: 'rule', auditEntity: 'permissionRule' }

/**
 * `api/rules`: permission rules as data. Every save is validated (400 with `{path, message}` per
 * problem), bumps `version`, writes `plume_rule_versions`, and recompiles the engine at once.
 * @example await app.service('api/rules').create({ definition: rule })
 */
export class RulesService {
  constructor(
    private readonly app: PlumeApp,
    private readonly reload: () => Promise<void>,
  ) {}

  private get knex(): Knex {
    return this.app.get('db').knex
  }

  /** Body → (definition, enabled), validated; `partial` for patch. */
  private body(
    data: unknown,
    partial: boolean,
  ): { definition?: PermissionRule; enabled?: boolean; version?: number } {
    if (!data || typeof data !== 'object' || Array.isArray(data))
      throw invalid([{ path: '', message: 'must be an object' }])
    let body = data as Record<string, unknown>
    // the rule itself is accepted as the body, too
    if (!('definition' in body) && 'effect' in body) body = { definition: body }
    const errors: FieldError[] = []
    for (const k of Object.keys(body))
      if (!BODY_KEYS.has(k)) errors.push({ path: `/${k}`, message: 'is not allowed' })
    if (body.kind !== undefined && body.kind !== 'permission')
      errors.push({ path: '/kind', message: 'must be "permission"' })
    if (body.enabled !== undefined && typeof body.enabled !== 'boolean')
      errors.push({ path: '/enabled', message: 'must be boolean' })
    if (body.version !== undefined && !Number.isInteger(body.version))
      errors.push({ path: '/version', message: 'must be an integer' })
    if (body.definition === undefined) {
      if (!partial) errors.push({ path: '/definition', message: 'is required' })
    } else {
      const ctx = ruleContext(this.app)
      errors.push(
        ...validateRule(body.definition, ctx).map((e) => ({
          path: `/definition${e.path === '/' ? '' : e.path}`,
          message: e.message,
        })),
      )
    }
    if (errors.length) throw invalid(errors)
    return {
      ...(body.definition !== undefined ? { definition: body.definition as PermissionRule } : {}),
      ...(typeof body.enabled === 'boolean' ? { enabled: body.enabled } : {}),
      ...(typeof body.version === 'number' ? { version: body.version } : {}),
    }
  }

  async find(params: Params = {}): Promise<StoredRule[]> {
    return (
      (await queryRules(this.knex, (params.query ?? {}) as Record<string, unknown>)) as StoredRule[]
    ).map(shape)
  }

  async get(id: Id): Promise<StoredRule> {
    return shape(await getRule<StoredRule>(this.knex, id, 'rule'))
  }

  async create(data: unknown, params: Params = {}): Promise<StoredRule> {
    const { definition, enabled = true } = this.body(data, false)
    const row = await createRule<StoredRule>(
      this.app,
      SCOPE,
      { kind: 'permission', definition: definition!, enabled },
      params,
    )
    await this.reload()
    return row
  }

  async patch(id: NullableId, data: unknown, params: Params = {}): Promise<StoredRule> {
    return this.change(parseId(id), this.body(data, true), params, 'patch')
  }

  async update(id: NullableId, data: unknown, params: Params = {}): Promise<StoredRule> {
    return this.change(parseId(id), this.body(data, false), params, 'update')
  }

  private async change(
    key: number,
    body: RuleChange,
    params: Params,
    action: 'patch' | 'update',
  ): Promise<StoredRule> {
    const row = await changeRule<StoredRule>(this.app, SCOPE, key, body, params, action)
    await this.reload()
    return row
  }

  async remove(id: NullableId, params: Params = {}): Promise<StoredRule> {
    const row = await removeRule<StoredRule>(this.app, SCOPE, parseId(id), params)
    await this.reload()
    return row
  }
}
