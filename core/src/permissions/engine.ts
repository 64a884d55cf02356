import type { EntityDefinition } from '@plume/metadata'
import type { Logger } from 'pino'
import type { FilterGroup } from '../service/query.js'
import type { RowScope } from '../service/sql.js'
import { compileCondition, MissingFact, resolvePath, type CompiledCondition } from './conditions.js'
import { filterFields, isEmptyFilter, parseRow, resolveRow, rowFactRefs, toScope } from './row.js'
import type { Effect, Facts, PermissionRule, UserFact } from './types.js'

/** One applicable allow rule, resolved for the caller. */
export interface Grant {
  rule: string
  /** `null`: every row. */
  filter: FilterGroup | null
  hidden: ReadonlySet<string>
  readOnly: ReadonlySet<string>
}

export interface Decision {
  allowed: boolean
  /** Why it was refused (names action and entity), for the 403 message. */
  reason?: string
  matched: Array<{ rule: string; effect: Effect }>
  errors: Array<{ rule: string; message: string }>
  grants: Grant[]
  /** OR of the grants' rows, pushed into SQL; `undefined` when a grant covers every row. */
  scope?: RowScope
  /** The same as alternatives; `null` when unrestricted. */
  filters: FilterGroup[] | null
  /** Fields every grant hides: removed and refused in queries (`params.hidden`). */
  hidden: ReadonlySet<string>
  /** Fields some grants hide: visible only on rows matching a grant that shows them. */
  guarded: ReadonlyMap<string, FilterGroup[]>
}

interface CompiledRule {
  rule: PermissionRule
  condition: CompiledCondition
  /** Conditions read `data` or `record`: decided per request, never cached. */
  dynamic: boolean
  rowRefs: string[][]
  hidden: ReadonlySet<string>
  readOnly: ReadonlySet<string>
  /** Parsed rows per entity for rules without fact references. */
  staticRows: Map<string, FilterGroup>
}

interface Bucket {
  rules: CompiledRule[]
  dynamic: boolean
  /** User paths whose values the decision depends on (cache key). */
  userPaths: string[][]
}

const MAX_CACHE = 20_000
const EMPTY: ReadonlySet<string> = new Set()

/** Normalises whatever `params.user` holds into the `user` fact. */
export function userFact(user: unknown): UserFact | undefined {
  if (!user || typeof user !== 'object') return undefined
  const u = user as Record<string, unknown>
  const id = Number(u.id)
  if (!Number.isInteger(id)) return undefined
  const roles = Array.isArray(u.roles) ? u.roles.filter((r): r is string => typeof r === 'string') : []
  const partnerId = typeof u.partnerId === 'number' ? u.partnerId : null
  const attributes =
    u.attributes && typeof u.attributes === 'object' && !Array.isArray(u.attributes)
      ? (u.attributes as Record<string, unknown>)
      : {}
  return { id, roles, partnerId, ...(typeof u.email === 'string' ? { email: u.email } : {}), attributes }
}

/**
 * The compiled rule set: rules indexed by entity and action (`*` included), compiled once per
 * change; decisions whose conditions read only user/action/entity are cached per
 * (entity, action, values of the user paths the rules read).
 * @example engine.load(rules); const d = engine.decide('order', 'get', user)
 */
export class PermissionEngine {
  private compiled: CompiledRule[] = []
  private index = new Map<string, CompiledRule[]>()
  private buckets = new Map<string, Bucket>()
  private cache = new Map<string, Decision>()

  constructor(
    private readonly entities: Map<string, EntityDefinition>,
    private readonly logger: Logger,
  ) {}

  /** Replaces the rule set (already validated); a rule that does not compile is left out and logged. */
  load(rules: PermissionRule[]): void {
    const compiled: CompiledRule[] = []
    for (const rule of rules) {
      try {
        const condition = compileCondition(rule.conditions)
        const refs = rule.row ? rowFactRefs(rule.row) : []
        const staticRows = new Map<string, FilterGroup>()
        if (rule.row && refs.length === 0) {
          for (const name of rule.entities) {
            const e = this.entities.get(name)
            if (e) staticRows.set(name, parseRow(e, rule.row))
          }
        }
        compiled.push({
          rule,
          condition,
          dynamic: condition.facts.has('data') || condition.facts.has('record'),
          rowRefs: refs.map((r) => r.split('.').slice(1)),
          hidden: new Set(rule.fields?.hidden ?? []),
          readOnly: new Set(rule.fields?.readOnly ?? []),
          staticRows,
        })
      } catch (err) {
        this.logger.error({ rule: rule.name, err }, 'permission rule left out: it does not compile')
      }
    }
    compiled.sort((a, b) => (b.rule.priority ?? 0) - (a.rule.priority ?? 0))
    const index = new Map<string, CompiledRule[]>()
    for (const c of compiled) {
      for (const e of c.rule.entities) {
        for (const a of c.rule.actions) {
          const key = `${e}|${a}`
          const list = index.get(key) ?? []
          list.push(c)
          index.set(key, list)
        }
      }
    }
    this.compiled = compiled
    this.index = index
    this.buckets = new Map()
    this.cache = new Map()
  }

  get size(): number {
    return this.compiled.length
  }

  private bucket(entity: string, action: string): Bucket {
    const key = `${entity}|${action}`
    let b = this.buckets.get(key)
    if (b) return b
    const seen = new Set<CompiledRule>()
    for (const k of [key, `${entity}|*`, `*|${action}`, '*|*'])
      for (const c of this.index.get(k) ?? []) seen.add(c)
    const rules = [...seen].sort((x, y) => (y.rule.priority ?? 0) - (x.rule.priority ?? 0))
    const paths = new Map<string, string[]>()
    for (const c of rules) {
      for (const p of c.condition.userPaths) paths.set(p, p === '$' ? [] : p.slice(2).split('.'))
      for (const r of c.rowRefs) paths.set(`$.${r.join('.')}`, r)
    }
    b = { rules, dynamic: rules.some((c) => c.dynamic), userPaths: [...paths.values()] }
    this.buckets.set(key, b)
    return b
  }

  /** Whether a decision on (entity, action) may read `data` / `record` (the caller must supply them). */
  needs(entity: string, action: string): { data: boolean; record: boolean } {
    const rules = this.bucket(entity, action).rules
    return {
      data: rules.some((c) => c.condition.facts.has('data')),
      record: rules.some((c) => c.condition.facts.has('record')),
    }
  }

  /**
   * Decides one call. Deny wins; no matching allow → deny; an allow that errors grants nothing, a
   * deny that errors denies (fail closed, logged).
   */
  decide(
    entity: string,
    action: string,
    user: UserFact,
    extra: { data?: Record<string, unknown>; record?: Record<string, unknown> } = {},
  ): Decision {
    const b = this.bucket(entity, action)
    let key: string | undefined
    if (!b.dynamic) {
      key = `${entity}|${action}`
      for (const p of b.userPaths) key += '|' + JSON.stringify(resolvePath(user, p) ?? null)
      const hit = this.cache.get(key)
      if (hit) return hit
    }
    const d = this.evaluate(entity, action, user, b, extra)
    if (key) {
      if (this.cache.size >= MAX_CACHE) this.cache.clear()
      this.cache.set(key, d)
    }
    return d
  }

  private evaluate(
    entity: string,
    action: string,
    user: UserFact,
    b: Bucket,
    extra: { data?: Record<string, unknown>; record?: Record<string, unknown> },
  ): Decision {
    const facts: Facts = { user, action, entity, ...extra }
    const matched: Decision['matched'] = []
    const errors: Decision['errors'] = []
    const allows: CompiledRule[] = []
    let denied: string | undefined
    for (const c of b.rules) {
      let hit: boolean
      try {
        hit = c.condition.evaluate(facts)
      } catch (err) {
        const message =
          err instanceof MissingFact ? err.message : `evaluation failed: ${(err as Error).message}`
        errors.push({ rule: c.rule.name, message })
        this.logger.warn(
          { rule: c.rule.name, entity, action, user: user.id, err: message },
          'permission rule failed: treated as deny',
        )
        if (c.rule.effect === 'deny') {
          matched.push({ rule: c.rule.name, effect: 'deny' })
          denied ??= c.rule.name
        }
        continue
      }
      if (!hit) continue
      matched.push({ rule: c.rule.name, effect: c.rule.effect })
      if (c.rule.effect === 'deny') denied ??= c.rule.name
      else allows.push(c)
    }
    const refuse = (why: string): Decision => ({
      allowed: false,
      reason: `You may not ${action} ${entity}: ${why}`,
      matched,
      errors,
      grants: [],
      filters: [],
      hidden: EMPTY,
      guarded: new Map(),
    })
    if (denied) return refuse(`denied by rule "${denied}"`)
    const grants: Grant[] = []
    const def = this.entities.get(entity)
    for (const c of allows) {
      let filter: FilterGroup | null = null
      if (c.rule.row) {
        try {
          filter =
            c.staticRows.get(entity) ??
            (def ? parseRow(def, resolveRow(c.rule.row, user) as Record<string, unknown>) : null)
          if (!def) throw new Error(`${entity} has no rows`)
        } catch (err) {
          const message =
            err instanceof MissingFact ? err.message : `row condition failed: ${(err as Error).message}`
          errors.push({ rule: c.rule.name, message })
          this.logger.warn(
            { rule: c.rule.name, entity, action, user: user.id, err: message },
            'permission grant void: row condition cannot be resolved',
          )
          continue
        }
        if (filter && isEmptyFilter(filter)) filter = null
      }
      grants.push({ rule: c.rule.name, filter, hidden: c.hidden, readOnly: c.readOnly })
    }
    if (grants.length === 0)
      return refuse(allows.length ? 'no usable grant (see the log)' : 'no rule allows it')
    return combine(matched, errors, grants)
  }
}

/** Folds the grants into one scope and field visibility. */
export function combine(matched: Decision['matched'], errors: Decision['errors'], grants: Grant[]): Decision {
  const unrestricted = grants.some((g) => g.filter === null)
  const filters = unrestricted ? null : grants.map((g) => g.filter!)
  const all = new Set<string>()
  for (const g of grants) for (const f of g.hidden) all.add(f)
  const hidden = new Set<string>()
  const guarded = new Map<string, FilterGroup[]>()
  for (const field of all) {
    const showing = grants.filter((g) => !g.hidden.has(field))
    if (showing.length === 0) hidden.add(field)
    else if (!showing.some((g) => g.filter === null))
      guarded.set(
        field,
        showing.map((g) => g.filter!),
      )
  }
  return {
    allowed: true,
    matched,
    errors,
    grants,
    filters,
    scope: filters ? toScope(filters) : undefined,
    hidden,
    guarded,
  }
}

/** Fields a row needs for the in-memory checks of a decision. */
export function guardFields(d: Decision): Set<string> {
  const out = new Set<string>()
  for (const list of d.guarded.values()) for (const g of list) filterFields(g, out)
  return out
}
