import { createHash } from 'node:crypto'
import type { EntityDefinition } from './definitions.js'

/** JSON with object keys sorted, so equal definitions always serialise the same way. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/** The parts of an entity definition that shape its table (labels, UI and docs are left out). */
export function schemaRelevantDefinition(entity: EntityDefinition): Record<string, unknown> {
  const fields = Object.values(entity.fields)
    .map((f) => ({
      name: f.name,
      column: f.column,
      nullable: f.nullable,
      required: f.required,
      default: f.default,
      enum: f.enum,
      minimum: f.minimum,
      maximum: f.maximum,
      minLength: f.minLength,
      unique: f.unique,
      ref: f.ref ? { entity: f.ref.entity, onDelete: f.ref.onDelete ?? 'restrict' } : undefined,
      serverManaged: f.serverManaged,
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  return { table: entity.table, versioned: entity.versioned, fields, indexes: entity.indexes }
}

/**
 * A stable hash of the table-shaping part of a definition.
 * @example definitionHash(customer) // 'a3f…' (64 hex characters)
 */
export function definitionHash(entity: EntityDefinition): string {
  return createHash('sha256')
    .update(stableStringify(schemaRelevantDefinition(entity)))
    .digest('hex')
}
