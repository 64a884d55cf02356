/**
 * The raw file format, as written on disk. These types describe a file that has passed the
 * metaschema; before that a file is `unknown`.
 */
import type { FieldRef, FieldUi, LocalizedText, SemanticType } from './types.js'

export type RawTypeName = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array' | 'null'

/** One property schema: standard JSON Schema keywords plus the allowed `x-` keywords. */
export interface RawProperty {
  type?: RawTypeName | RawTypeName[]
  enum?: Array<string | number | null>
  const?: unknown
  format?: string
  default?: unknown
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number
  exclusiveMaximum?: number
  minLength?: number
  maxLength?: number
  pattern?: string
  items?: RawProperty
  properties?: Record<string, RawProperty>
  additionalProperties?: boolean | RawProperty
  required?: string[]
  minItems?: number
  maxItems?: number
  uniqueItems?: boolean
  description?: string
  title?: string
  readOnly?: boolean
  writeOnly?: boolean
  examples?: unknown[]
  'x-type'?: SemanticType
  'x-ref'?: FieldRef
  'x-unique'?: boolean
  'x-sensitive'?: boolean
  'x-search'?: boolean
  'x-column'?: string
  'x-ui'?: FieldUi
}

export interface RawIndex {
  fields: string[]
  unique?: boolean
  name?: string
}

export interface RawRelation {
  kind: 'belongsTo' | 'hasMany' | 'manyToMany'
  entity: string
  field?: string
  through?: { entity: string; from: string; to: string }
}

export interface RawEntityUi {
  label: LocalizedText
  pluralLabel?: LocalizedText
  icon?: string
  listColumns?: string[]
  searchFields?: string[]
  /** Field order on forms and details; unlisted fields follow in file order. */
  fieldOrder?: string[]
  titleField?: string
  groups?: Array<{ name: string; label: LocalizedText; fields: string[] }>
  defaultSort?: Record<string, 1 | -1>
}

export interface RawEntity {
  $schema?: string
  title?: string
  description?: string
  type: 'object'
  'x-entity': {
    name: string
    plural: string
    table: string
    domain: string
    versioned?: boolean
    description?: string
  }
  properties: Record<string, RawProperty>
  required?: string[]
  additionalProperties?: false
  'x-indexes'?: RawIndex[]
  'x-relations'?: Record<string, RawRelation>
  'x-ui': RawEntityUi
}

/** A plugin's addition to another entity, merged into it before normalisation. */
export interface RawExtension {
  $schema?: string
  description?: string
  'x-extends': string
  properties?: Record<string, RawProperty>
  required?: string[]
  'x-indexes'?: RawIndex[]
  'x-relations'?: Record<string, RawRelation>
  /** References (foreign keys) on fields the target already has and that refer to nothing yet. */
  'x-refs'?: Record<string, FieldRef>
}

export type RawFile = RawEntity | RawExtension

export function isExtension(file: RawFile): file is RawExtension {
  return 'x-extends' in file
}

/** The fields every entity gets from the platform; declaring one in a file is an error. */
export const RESERVED_FIELDS = ['id', 'createdAt', 'updatedAt', 'version'] as const

/** Default pattern for money: an exact decimal string that fits `numeric(14,2)`. */
export const MONEY_PATTERN = '^-?\\d{1,12}(\\.\\d{1,2})?$'

/** Default pattern for a percent written as a decimal string: fits `numeric(7,4)`. */
export const PERCENT_PATTERN = '^-?\\d{1,3}(\\.\\d{1,4})?$'

/** SQL types a file may name in `x-column`; anything else could smuggle SQL into DDL. */
export const X_COLUMN_PATTERN =
  '^(text|integer|bigint|smallint|boolean|date|timestamptz|jsonb|uuid|double precision|numeric\\(\\d{1,2},\\d{1,2}\\)|varchar\\(\\d{1,5}\\))$'
