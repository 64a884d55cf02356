/** Column type derivation and the platform's server-managed fields. */
import type { RawProperty, RawTypeName } from './raw.js'
import type { FieldDefinition, FieldType } from './types.js'

/** Largest value an SQL `integer` column holds. */
const INT4_MAX = 2147483647

/** The one non-null type of a property (`["string","null"]` → `string`). */
export function baseType(p: RawProperty): FieldType {
  const list: RawTypeName[] = Array.isArray(p.type) ? p.type : p.type ? [p.type] : []
  const found = list.find((t): t is FieldType => t !== 'null')
  // A property typed only `null` is refused by the checks; `string` keeps normalisation total.
  return found ?? 'string'
}

export function isNullable(p: RawProperty): boolean {
  return Array.isArray(p.type) ? p.type.includes('null') : p.type === 'null'
}

/**
 * The SQL column type for a property.
 * @example columnType({ type: 'string', 'x-type': 'money' }) // 'numeric(14,2)'
 */
export function columnType(p: RawProperty): string {
  if (p['x-column']) return p['x-column']
  const type = baseType(p)
  switch (p['x-type']) {
    case 'money':
      return 'numeric(14,2)'
    case 'percent':
      return 'numeric(7,4)'
    case 'quantity':
      return 'integer'
    case 'text':
      return 'text'
    case 'json':
      return 'jsonb'
    case undefined:
      break
  }
  switch (type) {
    case 'string':
      if (p.format === 'date-time') return 'timestamptz'
      // encrypted at rest (core/src/crypto): the ciphertext is longer than maxLength allows
      if (p['x-sensitive'] === true && !p.writeOnly && p.format !== 'date' && p.format !== 'uuid')
        return 'text'
      if (p.format === 'date') return 'date'
      if (p.format === 'uuid') return 'uuid'
      if (p.maxLength !== undefined && p.maxLength <= 1000) return `varchar(${p.maxLength})`
      return 'text'
    case 'integer':
      return (p.maximum ?? 0) > INT4_MAX || (p.minimum ?? 0) < -INT4_MAX - 1 ? 'bigint' : 'integer'
    case 'number':
      return 'double precision'
    case 'boolean':
      return 'boolean'
    case 'object':
    case 'array':
      return 'jsonb'
  }
}

function managed(
  name: string,
  type: FieldType,
  column: string,
  schema: Record<string, unknown>,
  en: string,
  zh: string,
): FieldDefinition {
  return {
    name,
    type,
    column,
    nullable: false,
    required: false,
    unique: false,
    sensitive: false,
    readOnly: true,
    serverManaged: true,
    searchable: false,
    ...(schema.format === 'date-time' ? { format: 'date-time' } : {}),
    ui: { label: { en, 'zh-CN': zh } },
    schema,
  }
}

/** `id` goes first in field order; the others go last. */
export function serverFieldsHead(): FieldDefinition[] {
  return [managed('id', 'integer', 'integer', { type: 'integer', readOnly: true }, 'ID', 'ID')]
}

export function serverFieldsTail(versioned: boolean): FieldDefinition[] {
  const ts = { type: 'string', format: 'date-time', readOnly: true }
  const fields = [
    managed('createdAt', 'string', 'timestamptz', ts, 'Created at', '创建时间'),
    managed('updatedAt', 'string', 'timestamptz', { ...ts }, 'Updated at', '更新时间'),
  ]
  if (versioned)
    fields.push(
      managed('version', 'integer', 'integer', { type: 'integer', readOnly: true }, 'Version', '版本'),
    )
  return fields
}
