import type { EntityDefinition, FieldDefinition } from '@plume/metadata'
import type { Row } from '../service/entity-service.js'
import type { KeyRing } from './keyring.js'

/** What a caller without a reveal role sees instead of an encrypted value. */
export const MASK = '***'

/** Roles that see encrypted fields in clear unless `PLUME_REVEAL_ROLES` (or `app.set('revealRoles')`) says otherwise. */
export const DEFAULT_REVEAL_ROLES: readonly string[] = ['admin', 'finance', 'sales_manager', 'service_agent']

const NOT_TEXT_FORMATS: ReadonlySet<string> = new Set(['date', 'date-time', 'uuid'])

/**
 * Whether a field is encrypted at rest: `x-sensitive` strings stored in a `text` column, except
 * write-only ones (password hashes), unique ones (looked up by value, e.g. `users.email`:
 * random IVs would defeat the unique constraint and the login lookup) and enums.
 */
export function isEncryptedField(f: FieldDefinition): boolean {
  return (
    f.sensitive &&
    f.type === 'string' &&
    f.column === 'text' &&
    !f.writeOnly &&
    !f.unique &&
    !f.serverManaged &&
    !f.enum &&
    f.xType === undefined &&
    !(f.format && NOT_TEXT_FORMATS.has(f.format))
  )
}

/**
 * Names of an entity's encrypted fields.
 * @example encryptedFields(customer) // ['email', 'phone']
 */
export function encryptedFields(entity: EntityDefinition): string[] {
  return entity.fieldOrder.filter((n) => {
    const f = entity.fields[n]
    return f !== undefined && isEncryptedField(f)
  })
}

/** Encodes rows on their way to SQL and decodes them on the way back; see EntityService.codec. */
export interface FieldCodec {
  encode(row: Row): Row
  decode(row: Row): Row
}

/** Encrypts/decrypts the given fields in place with a key ring. */
export function fieldCodec(fields: readonly string[], ring: KeyRing): FieldCodec {
  return {
    encode(row) {
      for (const n of fields) {
        const v = row[n]
        if (typeof v === 'string') row[n] = ring.encrypt(v)
      }
      return row
    },
    decode(row) {
      for (const n of fields) {
        const v = row[n]
        if (typeof v === 'string') row[n] = ring.decrypt(v)
      }
      return row
    },
  }
}

/** Whether a user with these roles sees encrypted fields in clear. */
export function mayReveal(roles: unknown, revealRoles: readonly string[]): boolean {
  return Array.isArray(roles) && roles.some((r) => typeof r === 'string' && revealRoles.includes(r))
}

/** Replaces non-null values of the fields with {@link MASK}, in place. */
export function maskRow(row: unknown, fields: readonly string[]): void {
  if (!row || typeof row !== 'object') return
  const r = row as Row
  for (const n of fields) if (r[n] !== null && r[n] !== undefined) r[n] = MASK
}

/** Clear values of rows masked for their writer, kept for the realtime event built from the same object. */
const clearValues = new WeakMap<object, Row>()

/**
 * {@link maskRow} for a write's result: the writer gets `***`, while the event made from the same
 * object still reaches each recipient as that recipient may see it (`withClearValues`).
 */
export function maskRowKeepingClear(row: unknown, fields: readonly string[]): void {
  if (!row || typeof row !== 'object') return
  const r = row as Row
  const kept: Row = {}
  for (const n of fields) if (r[n] !== null && r[n] !== undefined) kept[n] = r[n]
  if (Object.keys(kept).length > 0) clearValues.set(r, kept)
  maskRow(r, fields)
}

/**
 * A row as it was before {@link maskRowKeepingClear} masked it (a copy), else the row itself.
 * @example const data = withClearValues(eventData) // then mask per recipient
 */
export function withClearValues(row: unknown): unknown {
  const kept = row && typeof row === 'object' ? clearValues.get(row) : undefined
  return kept ? { ...(row as Row), ...kept } : row
}
