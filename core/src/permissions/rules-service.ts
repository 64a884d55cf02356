import { Conflict, NotFound } from '@feathersjs/errors'
import type { Id, NullableId, Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { PlumeApp } from '../app/types.js'
import type { FieldError } from '../validation/ajv.js'
import { knownResources } from './resources.js'
import { getRule, invalidRule as invalid, parseRuleId as parseId, queryRules, ruleActor as userId, RULES_TABLE, writeRuleHistory as history } from './store.js'
import type { PermissionRule, StoredRule } from './types.js'
import { validateRule } from './validate.js'
import { auditRuleChange } from '../audit/admin.js'

const BODY_KEYS: ReadonlySet<string> = new Set(['definition', 'enabled', 'kind', 'version'])



const shape = (row: StoredRule): StoredRule => ({
  ...row,
  definition: typeof row.definition === 'string' ? (JSON.parse(row.definition) as PermissionRule) : row.definition,
})

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
  private body(data: unknown, partial: boolean): { definition?: PermissionRule; enabled?: boolean; version?: number } {
    if (!data || typeof data !== 'object' || Array.isArray(data)) throw invalid([{ path: '', message: 'must be an object' }])
    let body = data as Record<string, unknown>
    // the rule itself is accepted as the body, too
    if (!('definition' in body) && 'effect' in body) body = { definition: body }
    const errors: FieldError[] = []
    for (const k of Object.keys(body)) if (!BODY_KEYS.has(k)) errors.push({ path: `/${k}`, message: 'is not allowed' })
    if (body.kind !== undefined && body.kind !== 'permission') errors.push({ path: '/kind', message: 'must be "permission"' })
    if (body.enabled !== undefined && typeof body.enabled !== 'boolean') errors.push({ path: '/enabled', message: 'must be boolean' })
    if (body.version !== undefined && !Number.isInteger(body.version)) errors.push({ path: '/version', message: 'must be an integer' })
    if (body.definition === undefined) {
      if (!partial) errors.push({ path: '/definition', message: 'is required' })
    } else {
      const ctx = { entities: this.app.get('entities'), resources: knownResources(this.app) }
      errors.push(...validateRule(body.definition, ctx).map((e) => ({ path: `/definition${e.path === '/' ? '' : e.path}`, message: e.message })))
    }
    if (errors.length) throw invalid(errors)
    return {
      ...(body.definition !== undefined ? { definition: body.definition as PermissionRule } : {}),
      ...(typeof body.enabled === 'boolean' ? { enabled: body.enabled } : {}),
      ...(typeof body.version === 'number' ? { version: body.version } : {}),
    }
  }

  async find(params: Params = {}): Promise<StoredRule[]> {
    return ((await queryRules(this.knex, (params.query ?? {}) as Record<string, unknown>)) as StoredRule[]).map(shape)
  }

  async get(id: Id): Promise<StoredRule> {
    return shape(await getRule<StoredRule>(this.knex, id, 'rule'))
  }

  async create(data: unknown, params: Params = {}): Promise<StoredRule> {
    const { definition, enabled = true } = this.body(data, false)
    const by = userId(params)
    const row = await this.knex.transaction(async (trx) => {
      const exists: unknown = await trx(RULES_TABLE).where({ name: definition!.name }).first('id')
      if (exists) throw new Conflict(`A rule named "${definition!.name}" exists`, { errors: [{ path: '/definition/name', message: 'is taken' }] })
      const [r] = (await trx(RULES_TABLE).insert({ name: definition!.name, kind: 'permission', definition: JSON.stringify(definition), version: 1, enabled, updatedBy: by }).returning('*')) as StoredRule[]
      await history(trx, r!, 'create')
      await auditRuleChange(this.app, trx, { action: 'create', entity: 'permissionRule', after: r!, params })
      return r!
    })
    await this.reload()
    return shape(row)
  }

  async patch(id: NullableId, data: unknown, params: Params = {}): Promise<StoredRule> {
    return this.change(parseId(id), this.body(data, true), params, 'patch')
  }

  async update(id: NullableId, data: unknown, params: Params = {}): Promise<StoredRule> {
    return this.change(parseId(id), this.body(data, false), params, 'update')
  }

  private async change(key: number, body: { definition?: PermissionRule; enabled?: boolean; version?: number }, params: Params, action: 'patch' | 'update'): Promise<StoredRule> {
    const row = await this.knex.transaction(async (trx) => {
      const current = (await trx(RULES_TABLE).where({ id: key }).forUpdate().first()) as StoredRule | undefined
      if (!current) throw new NotFound(`No rule with id ${key}`)
      if (body.version !== undefined && body.version !== current.version) {
        throw new Conflict(`Version conflict: rule ${key} is at version ${current.version}`, { currentVersion: current.version, errors: [{ path: '/version', message: 'is out of date' }] })
      }
      if (body.definition && body.definition.name !== current.name) {
        const taken: unknown = await trx(RULES_TABLE).where({ name: body.definition.name }).whereNot({ id: key }).first('id')
        if (taken) throw new Conflict(`A rule named "${body.definition.name}" exists`, { errors: [{ path: '/definition/name', message: 'is taken' }] })
      }
      const set: Record<string, unknown> = { version: current.version + 1, updatedAt: trx.fn.now(), updatedBy: userId(params) }
      if (body.definition) Object.assign(set, { definition: JSON.stringify(body.definition), name: body.definition.name })
      if (body.enabled !== undefined) set.enabled = body.enabled
      const [r] = (await trx(RULES_TABLE).where({ id: key }).update(set).returning('*')) as StoredRule[]
      await history(trx, r!, 'update')
      await auditRuleChange(this.app, trx, { action, entity: 'permissionRule', before: current, after: r!, params })
      return r!
    })
    await this.reload()
    return shape(row)
  }

  async remove(id: NullableId, params: Params = {}): Promise<StoredRule> {
    const key = parseId(id)
    const row = await this.knex.transaction(async (trx) => {
      const [r] = (await trx(RULES_TABLE).where({ id: key }).delete().returning('*')) as StoredRule[]
      if (!r) throw new NotFound(`No rule with id ${key}`)
      await history(trx, { ...r, version: r.version + 1, updatedBy: userId(params) }, 'remove')
      await auditRuleChange(this.app, trx, { action: 'remove', entity: 'permissionRule', before: r, params })
      return r
    })
    await this.reload()
    return shape(row)
  }
}


