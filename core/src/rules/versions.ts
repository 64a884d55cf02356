import { Conflict, NotFound } from '@feathersjs/errors'
import type { Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { PlumeApp } from '../kernel/types.js'
import { auditRuleChange } from '../audit/admin.js'
import { ruleActor, RULES_TABLE, shapeStored, writeRuleHistory, type StoredRuleRow } from './store.js'

/** Which rules a service over the store manages, and how it names them. */
export interface RuleScope {
  /** Kinds this service changes (`['alert', 'automation']`); absent: any kind (`api/rules`, as always). */
  kinds?: readonly string[]
  /** In a 404: `No ${what} with id 7`. */
  what: string
  /** The audit trail's entity name (`permissionRule`, `alertRule`). */
  auditEntity: 'permissionRule' | 'alertRule'
}

/** A validated change: what to set, and the version the client read (optimistic locking). */
export interface RuleChange {
  definition?: { name: string }
  enabled?: boolean
  kind?: string
  version?: number
}

const ofScope = (trx: Knex.Transaction, scope: RuleScope) =>
  scope.kinds ? trx(RULES_TABLE).whereIn('kind', [...scope.kinds]) : trx(RULES_TABLE)

const nameTaken = (name: string) =>
  new Conflict(`A rule named "${name}" exists`, {
    errors: [{ path: '/definition/name', message: 'is taken' }],
  })

/**
 * Versioning of every rule kind, in one transaction each: create (version 1), change (version + 1,
 * 409 on a stale `version` or a taken name), remove (the history keeps the name) — each writes
 * `plume_rule_versions` and the audit trail; `reload` recompiles the engine after commit.
 * @example await createRule(app, scope, { kind: 'alert', definition, enabled: true }, params)
 */
export async function createRule<R extends StoredRuleRow>(
  app: PlumeApp,
  scope: RuleScope,
  input: { kind: string; definition: { name: string }; enabled: boolean },
  params: Params,
): Promise<R> {
  const knex = app.get('db').knex as Knex
  const row = await knex.transaction(async (trx) => {
    const { name } = input.definition
    if (await trx(RULES_TABLE).where({ name }).first('id')) throw nameTaken(name)
    const [r] = (await trx(RULES_TABLE)
      .insert({
        name,
        kind: input.kind,
        definition: JSON.stringify(input.definition),
        version: 1,
        enabled: input.enabled,
        updatedBy: ruleActor(params),
      })
      .returning('*')) as R[]
    await writeRuleHistory(trx, r!, 'create')
    await auditRuleChange(app, trx, { action: 'create', entity: scope.auditEntity, after: r!, params })
    return r!
  })
  return shapeStored(row)
}

export async function changeRule<R extends StoredRuleRow>(
  app: PlumeApp,
  scope: RuleScope,
  key: number,
  body: RuleChange,
  params: Params,
  action: 'patch' | 'update',
): Promise<R> {
  const knex = app.get('db').knex as Knex
  const row = await knex.transaction(async (trx) => {
    const current = (await ofScope(trx, scope).where({ id: key }).forUpdate().first()) as R | undefined
    if (!current) throw new NotFound(`No ${scope.what} with id ${key}`)
    if (body.version !== undefined && body.version !== current.version) {
      throw new Conflict(`Version conflict: rule ${key} is at version ${current.version}`, {
        currentVersion: current.version,
        errors: [{ path: '/version', message: 'is out of date' }],
      })
    }
    if (body.definition && body.definition.name !== current.name) {
      if (await trx(RULES_TABLE).where({ name: body.definition.name }).whereNot({ id: key }).first('id'))
        throw nameTaken(body.definition.name)
    }
    const set: Record<string, unknown> = {
      version: current.version + 1,
      updatedAt: trx.fn.now(),
      updatedBy: ruleActor(params),
    }
    if (body.definition)
      Object.assign(set, { definition: JSON.stringify(body.definition), name: body.definition.name })
    if (body.enabled !== undefined) set.enabled = body.enabled
    if (body.kind !== undefined) set.kind = body.kind
    const [r] = (await trx(RULES_TABLE).where({ id: key }).update(set).returning('*')) as R[]
    await writeRuleHistory(trx, r!, 'update')
    await auditRuleChange(app, trx, { action, entity: scope.auditEntity, before: current, after: r!, params })
    return r!
  })
  return shapeStored(row)
}

export async function removeRule<R extends StoredRuleRow>(
  app: PlumeApp,
  scope: RuleScope,
  key: number,
  params: Params,
): Promise<R> {
  const knex = app.get('db').knex as Knex
  const row = await knex.transaction(async (trx) => {
    const [r] = (await ofScope(trx, scope).where({ id: key }).delete().returning('*')) as R[]
    if (!r) throw new NotFound(`No ${scope.what} with id ${key}`)
    await writeRuleHistory(trx, { ...r, version: r.version + 1, updatedBy: ruleActor(params) }, 'remove')
    await auditRuleChange(app, trx, { action: 'remove', entity: scope.auditEntity, before: r, params })
    return r
  })
  return shapeStored(row)
}
