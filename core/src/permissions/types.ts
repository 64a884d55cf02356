/**
 * The permission rule format (stored as data: `metadata/rules/permissions/*.json` and the
 * `plume_rules` table). See docs/permissions.md.
 */

import type { Condition, Leaf } from '../rules/conditions.js'

export type Effect = 'allow' | 'deny'

/** The facts a rule may read. `data` is the incoming body of a write, `record` the current row. */
export type FactName = 'user' | 'action' | 'entity' | 'data' | 'record'

/** json-rules-engine's built-in operators: nothing else is accepted, so a rule never runs code. */
export { OPERATOR_NAMES as OPERATORS, type Operator as OperatorName } from '../rules/operators.js'

/** A reference to another fact as a comparison value (json-rules-engine syntax). */
export interface FactValueRef {
  fact: FactName
  path?: string
}

/** One json-rules-engine leaf condition (the one condition format of `core/src/rules`). */
export type LeafCondition = Leaf<FactName>

/** json-rules-engine's `TopLevelCondition` (without named shared conditions). */
export type ConditionNode = Condition<FactName>

/** `{ "$fact": "user.partnerId" }` inside a row condition. */
export interface RowFactRef {
  $fact: string
}

export interface FieldRules {
  /** Removed from results; refused in filters, sort, `$select` and writes. */
  hidden?: string[]
  /** A write that includes one of these is refused (403 naming the field). */
  readOnly?: string[]
}

export interface PermissionRule {
  name: string
  description?: string
  effect: Effect
  /** Entity names (`order`), admin resources (`rule`, `plugin`, `audit`, `permission`) or `*`. */
  entities: string[]
  /** Service methods, action permissions (`orders:submit`), `explain`, or `*`. */
  actions: string[]
  conditions: ConditionNode
  /** Allow rules only: the rows this grant covers, as a Feathers query. */
  row?: Record<string, unknown>
  fields?: FieldRules
  /** Higher first in explanations; does not change the outcome (deny always wins). */
  priority?: number
}

/** The stored form (`plume_rules`). */
export interface StoredRule {
  id: number
  name: string
  kind: 'permission'
  definition: PermissionRule
  version: number
  enabled: boolean
  updatedAt: string | Date
  updatedBy: number | null
}

/** What rule checks see of the caller. */
export interface UserFact {
  id: number
  roles: string[]
  partnerId: number | null
  email?: string
  attributes: Record<string, unknown>
}

export interface Facts {
  user: UserFact
  action: string
  entity: string
  data?: Record<string, unknown>
  record?: Record<string, unknown>
}
