import { createHmac, randomBytes } from 'node:crypto'
import type { EntityDefinition } from '@plume/metadata'
import type { Knex } from 'knex'
import type { Row } from '../service/entity-service.js'
import { canonicalJson, jsonSafe } from './canonical.js'

/** Stands for a secret in the audit trail (passwords and other write-only fields). */
export const SECRET = '***'

const SECRET_KEY = /(password|secret|token)$|^(api)?key$|^authorization$/i

/** Copy of an object with secret-looking keys (`password`, `token`, `apiKey` …) masked, one level deep. */
export function maskSecrets(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(obj))
    out[k] = SECRET_KEY.test(k) && v !== null && v !== undefined ? SECRET : v
  return out
}

/**
 * Masks sensitive values for the audit trail. `x-sensitive` values become `***:` plus the first
 * 8 hex digits of an HMAC-SHA256 under a key kept in `plume_settings`: equal values give equal
 * marks (a change can be seen), the value cannot be recovered or guessed from a dictionary
 * without that key. Write-only fields (passwords) are always plain `***`.
 */
export class AuditMasker {
  constructor(private readonly key: Buffer) {}

  mark(value: unknown): unknown {
    if (value === null || value === undefined) return null
    const text = typeof value === 'string' ? value : canonicalJson(jsonSafe(value))
    return `${SECRET}:${createHmac('sha256', this.key).update(text, 'utf8').digest('hex').slice(0, 8)}`
  }
}

const MASK_KEY = 'auditMaskKey'

/** The masking key: generated once per database and kept in `plume_settings`. */
export async function loadAuditMasker(knex: Knex): Promise<AuditMasker> {
  await knex.raw('create table if not exists plume_settings (key text primary key, value text not null)')
  let row = (await knex('plume_settings').where({ key: MASK_KEY }).first()) as { value: string } | undefined
  if (!row) {
    await knex('plume_settings')
      .insert({ key: MASK_KEY, value: randomBytes(32).toString('base64') })
      .onConflict('key')
      .ignore()
    row = (await knex('plume_settings').where({ key: MASK_KEY }).first()) as { value: string }
  }
  return new AuditMasker(Buffer.from(row.value, 'base64'))
}

export type FieldChange = { before?: unknown; after?: unknown }
export type Changes = Record<string, FieldChange>

const same = (a: unknown, b: unknown) =>
  canonicalJson(jsonSafe(a ?? null)) === canonicalJson(jsonSafe(b ?? null))

/**
 * The changed fields of one write, sensitive values masked. `before` is absent on create,
 * `after` on remove; server-managed fields (id, timestamps, version) are left out.
 * @example fieldChanges(customer, masker, { name: 'A' }, { name: 'B' }, { name: 'B' }) // { name: { before: 'A', after: 'B' } }
 */
export function fieldChanges(
  entity: EntityDefinition,
  masker: AuditMasker,
  before: Row | undefined,
  after: Row | undefined,
  written: Row | undefined,
): Changes {
  const changes: Changes = {}
  for (const name of entity.fieldOrder) {
    const f = entity.fields[name]
    if (!f || f.serverManaged) continue
    if (f.writeOnly) {
      if (written && written[name] !== undefined)
        changes[name] = before ? { before: SECRET, after: SECRET } : { after: SECRET }
      continue
    }
    const show = (v: unknown) => (f.sensitive ? masker.mark(v) : (v ?? null))
    if (!before) {
      if (after && after[name] !== null && after[name] !== undefined)
        changes[name] = { after: show(after[name]) }
    } else if (!after) {
      if (before[name] !== null && before[name] !== undefined) changes[name] = { before: show(before[name]) }
    } else if (name in after && !same(before[name], after[name])) {
      changes[name] = { before: show(before[name]), after: show(after[name]) }
    }
  }
  return changes
}
