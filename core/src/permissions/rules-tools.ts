import type { Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { PlumeApp } from '../kernel/types.js'
import type { FieldError } from '../validation/ajv.js'
import { NotFound } from '@feathersjs/errors'
import { parseRuleId, RULES_TABLE, VERSIONS_TABLE } from '../rules/store.js'
import { callerOf, engineOf, forbid } from './hooks.js'
import { ruleContext } from './resources.js'
import { validateRule } from './validate.js'

export const RULES_VALIDATE_PATH = 'api/rules/validate'
export const RULE_VERSIONS_PATH = 'api/rules/:id/versions'

/** One saved state of a rule, newest first in `GET api/rules/:id/versions`. */
export interface RuleVersion {
  version: number
  change: string
  definition: unknown
  enabled: boolean
  updatedAt: string
  updatedBy: number | null
}

/**
 * `POST /api/rules/validate {definition}` (or the rule itself): the checks a save runs, without
 * saving — `{valid, errors: [{path, message}]}` with paths into the rule (`/row/nope`), for the
 * builder's validation as you type. Guarded as `create` on `rule` (by guardServices).
 */
export function rulesValidateService(app: PlumeApp) {
  return {
    async create(data: unknown): Promise<{ valid: boolean; errors: FieldError[] }> {
      const body =
        data && typeof data === 'object' && !Array.isArray(data)
          ? (data as Record<string, unknown>)
          : undefined
      const rule = body && 'definition' in body ? body.definition : body
      const errors =
        rule === undefined
          ? [{ path: '', message: 'must be an object' }]
          : validateRule(rule, ruleContext(app))
      return { valid: errors.length === 0, errors }
    },
  }
}

/**
 * `GET /api/rules/:id/versions`: the history of one permission rule (every create, change and
 * removal), newest first. Needs `get` on `rule` (admins, auditors).
 */
export function ruleVersionsService(app: PlumeApp) {
  return {
    async find(params: Params & { route?: Record<string, unknown> }): Promise<RuleVersion[]> {
      if (params.provider) {
        const user = callerOf(params as { user?: unknown }, 'get', 'rule')
        const d = engineOf(app).decide('rule', 'get', user)
        if (!d.allowed) throw forbid(d, 'get', 'rule')
      }
      const knex = app.get('db').knex as Knex
      const id = parseRuleId((params.route?.id as string | undefined) ?? null)
      const current = (await knex(RULES_TABLE).where({ id }).first('kind')) as { kind: string } | undefined
      const rows =
        current && current.kind !== 'permission'
          ? []
          : ((await knex(VERSIONS_TABLE)
              .where({ ruleId: id })
              .orderBy('version', 'desc')
              .orderBy('id', 'desc')
              .select('version', 'change', 'definition', 'enabled', 'updatedAt', 'updatedBy')) as Array<
              RuleVersion & { updatedAt: Date | string }
            >)
      if (!rows.length) throw new NotFound(`No rule with id ${id}`)
      return rows.map((r) => ({
        ...r,
        definition: typeof r.definition === 'string' ? (JSON.parse(r.definition) as unknown) : r.definition,
        updatedAt: new Date(r.updatedAt).toISOString(),
      }))
    },
  }
}
