/**
 * The Plume entity definition format.
 *
 * An entity file (`metadata/entities/<domain>/<name>.json`) is a JSON Schema 2020-12 object
 * schema plus a small set of `x-` keywords. The loader validates it against the metaschema and
 * normalises it into an {@link EntityDefinition}; everything else (tables, validators, OpenAPI,
 * screens) is derived from that one object.
 */

/** Localised text: English and Simplified Chinese are both required for user-facing labels. */
export interface LocalizedText {
  en: string
  'zh-CN': string
}

export type FieldType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array'

/** Semantic types that JSON Schema alone cannot express; they pick the column type and validation. */
export type SemanticType = 'money' | 'percent' | 'quantity' | 'text' | 'json'

export interface FieldUi {
  label?: LocalizedText
  widget?: string
  group?: string
  help?: LocalizedText
  hidden?: boolean
  /** The widget's options, as its Options.vue edits them (string, number or boolean values). */
  widgetOptions?: Record<string, string | number | boolean>
  /** Display text per enum value (keys are the values as strings); unlabelled values are shown as they are. */
  enumLabels?: Record<string, LocalizedText>
}

export interface FieldRef {
  /** Name of the referenced entity (`customer`, not the route). */
  entity: string
  onDelete?: 'restrict' | 'cascade' | 'set null'
}

/** One property of an entity, normalised. */
export interface FieldDefinition {
  name: string
  type: FieldType
  nullable: boolean
  required: boolean
  /** SQL column type used by the migrator, e.g. `text`, `varchar(200)`, `numeric(14,2)`. */
  column: string
  xType?: SemanticType
  format?: string
  enum?: Array<string | number>
  default?: unknown
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number
  exclusiveMaximum?: number
  minLength?: number
  maxLength?: number
  pattern?: string
  ref?: FieldRef
  unique: boolean
  /** PII or secret: masked in audit, encrypted at rest where configured. */
  sensitive: boolean
  /** Clients may not write it (server-managed or computed). */
  readOnly: boolean
  /** Clients may write it but it is never returned (e.g. `password`). */
  writeOnly?: boolean
  /** Set by the platform: id, createdAt, updatedAt, version. */
  serverManaged: boolean
  searchable: boolean
  ui: FieldUi
  /** The property's JSON Schema as written in the file (with `x-` keywords). */
  schema: Record<string, unknown>
}

export interface IndexDefinition {
  fields: string[]
  unique?: boolean
  name?: string
}

export type RelationKind = 'belongsTo' | 'hasMany' | 'manyToMany'

export interface RelationDefinition {
  name: string
  kind: RelationKind
  entity: string
  /** belongsTo: local FK field; hasMany: the FK field on the other entity. */
  field: string
  /** manyToMany: join entity and its two FK fields. */
  through?: { entity: string; from: string; to: string }
}

export interface EntityUi {
  label: LocalizedText
  pluralLabel?: LocalizedText
  icon?: string
  listColumns?: string[]
  searchFields?: string[]
  titleField?: string
  groups?: Array<{ name: string; label: LocalizedText; fields: string[] }>
  defaultSort?: Record<string, 1 | -1>
}

export interface EntityDefinition {
  /** Singular machine name, e.g. `orderLine`. */
  name: string
  /** Route segment, e.g. `order-lines` → `/api/order-lines`. */
  plural: string
  table: string
  domain: string
  description?: string
  fields: Record<string, FieldDefinition>
  /** Field names in declaration order. */
  fieldOrder: string[]
  required: string[]
  indexes: IndexDefinition[]
  relations: Record<string, RelationDefinition>
  ui: EntityUi
  /** Optimistic concurrency via a `version` column (default true). */
  versioned: boolean
  /** The schema as written, for OpenAPI and the admin UI. */
  schema: Record<string, unknown>
  /** Where it came from (file path or `plugin:<name>`), for error messages. */
  source: string
}

/** A problem found while loading definitions; start-up stops if any exist. */
export interface DefinitionError {
  source: string
  path: string
  message: string
}
