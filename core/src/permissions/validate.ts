import type { EntityDefinition, FieldDefinition } from '@plume/metadata'
import { FACT_PATH, isFactRef as isFactValueRef, leavesOf } from '../rules/conditions.js'
import { ruleShape, shapeErrors } from '../rules/schema.js'
import { closestName, didYouMean } from '../rules/suggest.js'
import { unknownField } from '../rules/validate.js'
import type { FieldError } from '../validation/ajv.js'
import { RESOURCE_ACTIONS } from './resources.js'
import { isRowFactRef, parseRow } from './row.js'
import { permissionRuleSchema } from './schema.js'
import type { ConditionNode, LeafCondition, PermissionRule } from './types.js'

const checkShape = ruleShape<PermissionRule>(permissionRuleSchema)

export const CRUD = ['find', 'get', 'create', 'update', 'patch', 'remove'] as const
const CRUD_SET: ReadonlySet<string> = new Set(CRUD)
const WRITES_WITH_DATA: ReadonlySet<string> = new Set(['create', 'update', 'patch'])
const WRITES_WITH_RECORD: ReadonlySet<string> = new Set(['update', 'patch', 'remove'])
/** `user` paths a rule may read (`$.attributes.<name>` for anything site-specific). */
const USER_PATHS = /^\$(\.(id|roles|partnerId|email)|\.attributes(\.[A-Za-z_][A-Za-z0-9_]{0,62}){1,2})?$/
const ROW_USER_REF = /^user\.(id|partnerId|email|roles|attributes(\.[A-Za-z_][A-Za-z0-9_]{0,62}){1,2})$/
const NUMERIC_OPS: ReadonlySet<string> = new Set([
  'lessThan',
  'lessThanInclusive',
  'greaterThan',
  'greaterThanInclusive',
])

export interface RuleContext {
  entities: Map<string, EntityDefinition>
  /** Entity names plus admin resources and custom services. */
  resources: ReadonlySet<string>
  /** Permission names of the declared record actions (`orders:submit`); unchecked when absent. */
  actions?: ReadonlySet<string>
}

/** Structural check only (JSON Schema): used where the registry is not at hand. */
export function isRuleShape(value: unknown): value is PermissionRule {
  return checkShape(value)
}

function isCustomAction(a: string) {
  return a !== '*' && !CRUD_SET.has(a)
}

/** A typed stand-in for a fact reference, so the row still goes through the query parser. */
function placeholder(f: FieldDefinition | undefined): unknown {
  if (!f) return 'x'
  if (f.type === 'integer' || f.type === 'number') return 1
  if (f.type === 'boolean') return true
  if (f.format === 'date-time' || f.format === 'date') return '2000-01-01'
  if (f.xType === 'money') return '1'
  if (f.format === 'uuid') return '00000000-0000-0000-0000-000000000000'
  return 'x'
}

function withPlaceholders(row: unknown, entity: EntityDefinition, field?: string): unknown {
  if (isRowFactRef(row)) return placeholder(field ? entity.fields[field] : undefined)
  if (Array.isArray(row)) return row.map((v) => withPlaceholders(v, entity, field))
  if (row && typeof row === 'object') {
    return Object.fromEntries(
      Object.entries(row).map(([k, v]) => {
        if (k === '$or' || k === '$and') return [k, withPlaceholders(v, entity)]
        if (k.startsWith('$')) {
          // `$in: { $fact }` stands for a list
          const inner = withPlaceholders(v, entity, field)
          return [k, (k === '$in' || k === '$nin') && isRowFactRef(v) ? [inner] : inner]
        }
        return [k, withPlaceholders(v, entity, k)]
      }),
    )
  }
  return row
}

function rowRefErrors(row: unknown, path: string, errs: FieldError[]): void {
  if (isRowFactRef(row)) {
    if (!ROW_USER_REF.test(row.$fact))
      errs.push({
        path,
        message: `unknown fact reference "${row.$fact}": use user.id, user.partnerId, user.email, user.roles or user.attributes.<name>`,
      })
  } else if (Array.isArray(row)) row.forEach((v, i) => rowRefErrors(v, `${path}/${i}`, errs))
  else if (row && typeof row === 'object')
    for (const [k, v] of Object.entries(row)) rowRefErrors(v, `${path}/${k}`, errs)
}

function leafErrors(
  leaf: LeafCondition,
  path: string,
  rule: PermissionRule,
  ctx: RuleContext,
  errs: FieldError[],
): void {
  const checkFact = (fact: string, p: string | undefined, at: string) => {
    if (p !== undefined && !FACT_PATH.test(p))
      return errs.push({ path: at, message: 'must be a path of the form $.name or $.name.sub' })
    if (fact === 'user' && !USER_PATHS.test(p ?? '$')) {
      return errs.push({
        path: at,
        message: `unknown fact path user${(p ?? '$').slice(1)}: use $.id, $.roles, $.partnerId, $.email or $.attributes.<name>`,
      })
    }
    if ((fact === 'action' || fact === 'entity') && p !== undefined && p !== '$')
      return errs.push({ path: at, message: `the ${fact} fact is a string: no path` })
    if (fact === 'data' || fact === 'record') {
      const allowedActions = fact === 'data' ? WRITES_WITH_DATA : WRITES_WITH_RECORD
      if (!rule.actions.every((a) => allowedActions.has(a) || isCustomAction(a))) {
        return errs.push({
          path: at,
          message: `the ${fact} fact exists only for ${[...allowedActions].join('/')} and custom actions; list only those in "actions"`,
        })
      }
      if (p === undefined || p === '$')
        return errs.push({ path: at, message: `give the field of ${fact} to read, e.g. $.status` })
      if (!rule.entities.includes('*')) {
        for (const name of rule.entities) {
          const e = ctx.entities.get(name)
          const err = e && unknownField(e, p, at)
          if (err) errs.push(err)
        }
      }
    }
  }
  checkFact(leaf.fact, leaf.path, `${path}/path`)
  if (isFactValueRef(leaf.value)) checkFact(leaf.value.fact, leaf.value.path, `${path}/value/path`)
  else if ((leaf.operator === 'in' || leaf.operator === 'notIn') && !Array.isArray(leaf.value))
    errs.push({ path: `${path}/value`, message: `${leaf.operator} needs a list` })
  else if (NUMERIC_OPS.has(leaf.operator) && typeof leaf.value !== 'number')
    errs.push({ path: `${path}/value`, message: `${leaf.operator} needs a number` })
  else if ((leaf.operator === 'contains' || leaf.operator === 'doesNotContain') && Array.isArray(leaf.value))
    errs.push({ path: `${path}/value`, message: `${leaf.operator} takes one value` })
}

function conditionErrors(
  node: ConditionNode,
  path: string,
  rule: PermissionRule,
  ctx: RuleContext,
  errs: FieldError[],
): void {
  for (const { leaf, path: at } of leavesOf(node, path)) leafErrors(leaf, at, rule, ctx, errs)
}

/**
 * Every action a rule names must exist: a service method (or `*`), an action of a non-entity
 * resource (`explain`, the metadata routes'), or a record action as `<plural>:<action>` of one of
 * its entities. A typo is refused naming the closest known name.
 */
function actionErrors(
  rule: PermissionRule,
  entityDefs: readonly EntityDefinition[],
  ctx: RuleContext,
  errs: FieldError[],
): void {
  const star = rule.entities.includes('*')
  const scope = star ? [...ctx.entities.values()] : entityDefs
  const plurals = scope.map((e) => e.plural)
  const on = star ? 'any entity' : rule.entities.join(', ')
  const resourceActions = (star ? [...RESOURCE_ACTIONS.keys()] : rule.entities).flatMap(
    (r) => RESOURCE_ACTIONS.get(r) ?? [],
  )
  const declared = [...(ctx.actions ?? [])].filter((a) => plurals.includes(a.split(':')[0]!))
  rule.actions.forEach((action, i) => {
    const path = `/actions/${i}`
    if (action === '*' || CRUD_SET.has(action) || resourceActions.includes(action)) return
    const colon = action.indexOf(':')
    if (colon < 0) {
      // `redem` on loyalty accounts → "loyalty-accounts:redeem"
      const near = new Map<string, string>([...CRUD, ...resourceActions].map((a) => [a, a]))
      for (const a of declared) near.set(a.slice(a.indexOf(':') + 1), a).set(a, a)
      const close = closestName(action, near.keys())
      const hint = close === undefined ? '' : `; did you mean "${near.get(close)}"?`
      return errs.push({ path, message: `unknown action "${action}" on ${on}${hint}` })
    }
    const prefix = action.slice(0, colon)
    if (!plurals.includes(prefix))
      return errs.push({
        path,
        message: `action "${action}" does not belong to ${rule.entities.join(', ')}${didYouMean(prefix, plurals)}`,
      })
    if (!ctx.actions || ctx.actions.has(action)) return
    const name = action.slice(colon + 1)
    const ofEntity = declared.filter((a) => a.startsWith(`${prefix}:`)).map((a) => a.slice(colon + 1))
    errs.push({ path, message: `unknown action "${name}" on ${prefix}${didYouMean(name, ofEntity)}` })
  })
}

/**
 * Validates one permission rule: its shape (JSON Schema) and that every entity, action, field,
 * fact path and operator it names exists. Returns `{path, message}` per problem; empty = valid.
 * @example validateRule(rule, { entities, resources }) // [] or [{ path: '/row/bogus', message: … }]
 */
export function validateRule(value: unknown, ctx: RuleContext): FieldError[] {
  if (!checkShape(value)) return shapeErrors(checkShape)
  const rule = value
  const errs: FieldError[] = []
  const star = rule.entities.includes('*')
  if (star && rule.entities.length > 1) errs.push({ path: '/entities', message: '"*" stands alone' })
  if (rule.actions.includes('*') && rule.actions.length > 1)
    errs.push({ path: '/actions', message: '"*" stands alone' })
  const entityDefs: EntityDefinition[] = []
  rule.entities.forEach((name, i) => {
    if (name === '*') return
    if (!ctx.resources.has(name) && !ctx.entities.has(name))
      errs.push({
        path: `/entities/${i}`,
        message: `unknown entity "${name}"${didYouMean(name, [...ctx.entities.keys(), ...ctx.resources])}`,
      })
    const e = ctx.entities.get(name)
    if (e) entityDefs.push(e)
  })
  actionErrors(rule, entityDefs, ctx, errs)
  conditionErrors(rule.conditions, '/conditions', rule, ctx, errs)
  const needsFields =
    rule.row !== undefined ||
    (rule.fields?.hidden?.length ?? 0) > 0 ||
    (rule.fields?.readOnly?.length ?? 0) > 0
  if (needsFields && (star || entityDefs.length !== rule.entities.length)) {
    errs.push({
      path: rule.row !== undefined ? '/row' : '/fields',
      message: 'row and field rules need entities (not "*" or admin resources)',
    })
  } else {
    for (const e of entityDefs) {
      for (const kind of ['hidden', 'readOnly'] as const) {
        rule.fields?.[kind]?.forEach((f, i) => {
          if (!e.fields[f] || e.fields[f]!.schema.writeOnly === true)
            errs.push({
              path: `/fields/${kind}/${i}`,
              message: `unknown field "${f}" of ${e.name}${didYouMean(f, Object.keys(e.fields))}`,
            })
          else if (f === 'id')
            errs.push({ path: `/fields/${kind}/${i}`, message: 'id cannot be hidden or read-only' })
        })
      }
      if (rule.row !== undefined) {
        rowRefErrors(rule.row, '/row', errs)
        try {
          parseRow(e, withPlaceholders(rule.row, e) as Record<string, unknown>)
        } catch (err) {
          const list = (
            (err as { errors?: FieldError[] }).errors ?? [{ path: '', message: String(err) }]
          ).map((x) => ({
            path: `/row${x.path}`,
            message: `${x.message}${entityDefs.length > 1 ? ` (${e.name})` : ''}`,
          }))
          errs.push(...list)
        }
      }
    }
  }
  if (rule.row !== undefined && rule.effect === 'deny')
    errs.push({
      path: '/row',
      message: 'only allow rules carry a row condition (a deny applies to the whole action)',
    })
  if (rule.fields && rule.effect === 'deny')
    errs.push({ path: '/fields', message: 'only allow rules carry field rules' })
  return errs
}
