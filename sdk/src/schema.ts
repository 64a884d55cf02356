/**
 * How a client knows the platform's model. The type generator writes one `Schema` per instance:
 * `{ entities: { customers: { row; create; patch } }, actions: { orders: { submit: Input } } }`,
 * keyed by the API's plural path names.
 */

/** A record as JSON. */
export type Item = Record<string, unknown>

/** The row, create and patch types of one entity. */
export interface EntityTypes {
  row: object
  create: object
  patch: object
}

/** Any generated schema (kept loose so a generated type alias or interface fits). */
export interface PlumeSchema {
  entities: object
  actions: object
}

/** What a client knows without generated types: every collection, loosely typed. */
export interface AnySchema {
  entities: Record<string, { row: Item & { id: number }; create: Item; patch: Item & { version?: number } }>
  actions: Record<string, Record<string, Item>>
}

/** Plural names of the schema's entities (`'customers' | 'orders' | …`). */
export type Collection<S extends PlumeSchema> = keyof S['entities'] & string

type Shape<S extends PlumeSchema, C> = C extends keyof S['entities'] ? S['entities'][C] : never

/** The record type of a collection. */
export type RowOf<S extends PlumeSchema, C> = Shape<S, C> extends { row: infer R } ? R : Item
/** What `createItem` takes. */
export type CreateOf<S extends PlumeSchema, C> = Shape<S, C> extends { create: infer R } ? R : Item
/** What `updateItem` takes (`version` for optimistic concurrency where the entity has one). */
export type PatchOf<S extends PlumeSchema, C> = Shape<S, C> extends { patch: infer R } ? R : Item

/** Action names of a collection (`'submit' | 'approve' | …`). */
export type ActionOf<S extends PlumeSchema, C> = C extends keyof S['actions']
  ? keyof S['actions'][C] & string
  : string
/** The input of one action. */
export type ActionInput<S extends PlumeSchema, C, A> = C extends keyof S['actions']
  ? A extends keyof S['actions'][C]
    ? S['actions'][C][A]
    : Item
  : Item

/** Operators a filter on one field may use (Feathers syntax, see README "API conventions"). */
export interface FieldOperators<V> {
  $ne?: V | null
  $in?: V[]
  $nin?: V[]
  $lt?: V
  $lte?: V
  $gt?: V
  $gte?: V
  $like?: string
  $ilike?: string
  $notlike?: string
}

/** A find query on a record type. */
export type Query<R> = {
  $limit?: number
  $skip?: number
  $sort?: { [K in keyof R & string]?: 1 | -1 }
  $select?: Array<keyof R & string>
  /** `false` skips counting (`total` is then -1); `'estimate'` uses the planner estimate. */
  $total?: boolean | 'estimate'
  $or?: Array<Query<R>>
} & { [K in keyof R & string]?: R[K] | FieldOperators<NonNullable<R[K]>> }

/** A page as `find` answers it. */
export interface Page<R> {
  total: number
  totalEstimated?: boolean
  limit: number
  skip: number
  data: R[]
}
