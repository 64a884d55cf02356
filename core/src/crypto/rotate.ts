import type { EntityDefinition } from '@plume/metadata'
import type { Knex } from 'knex'
import { appendAuditEvent } from '../audit/record.js'
import { encryptedFields } from './fields.js'
import { ENCRYPTED_PREFIX, type KeyRing } from './keyring.js'

export interface RotationReport {
  /** The key every encrypted value now uses. */
  key: string
  /** Values re-encrypted (or encrypted for the first time) per entity. */
  entities: Record<string, number>
  values: number
}

export interface RotationOptions {
  /** Rows per transaction (default 500). */
  batchSize?: number
  log?: (msg: string) => void
}

type Row = Record<string, unknown> & { id: number }

/**
 * Re-encrypts every encrypted field value that does not use the current key, in batches of rows
 * locked `FOR UPDATE` (one short transaction each, so the platform keeps running). Plain-text
 * values (written before encryption was turned on, or by seeds that bypass the services) are
 * encrypted too. Timestamps and versions are left alone: the data did not change.
 * @example await rotateKeys(knex, entities.values(), await loadKeyRing(knex, process.env.PLUME_ENCRYPTION_KEYS))
 */
export async function rotateKeys(
  knex: Knex,
  entities: Iterable<EntityDefinition>,
  ring: KeyRing,
  opts: RotationOptions = {},
): Promise<RotationReport> {
  const batchSize = opts.batchSize ?? 500
  const current = `${ENCRYPTED_PREFIX}${ring.currentId}:`
  const report: RotationReport = { key: ring.currentId, entities: {}, values: 0 }
  const list = [...entities].filter((e) => encryptedFields(e).length > 0)
  // refuse before changing anything: ciphertext must not meet a column it does not fit in
  const tables = new Set<string>()
  for (const entity of list) {
    const cols = (await knex('information_schema.columns')
      .select('column_name', 'data_type')
      .where({ table_schema: knex.raw('current_schema()'), table_name: entity.table })) as Array<{
      column_name: string
      data_type: string
    }>
    if (!cols.length) continue
    tables.add(entity.table)
    for (const f of encryptedFields(entity)) {
      const col = cols.find((c) => c.column_name === f)
      if (col?.data_type !== 'text')
        throw new Error(
          `${entity.table}.${f} is ${col ? col.data_type : 'missing'}, not text: start Plume once so it migrates, then rotate`,
        )
    }
  }
  for (const entity of list) {
    const fields = encryptedFields(entity)
    if (!tables.has(entity.table)) continue
    let after = 0
    let count = 0
    for (;;) {
      const done = await knex.transaction(async (trx) => {
        const rows = (await trx(entity.table)
          .select('id', ...fields)
          .where('id', '>', after)
          .andWhere((q) => {
            for (const f of fields)
              q.orWhereRaw('?? is not null and left(??, ?) <> ?', [f, f, current.length, current])
          })
          .orderBy('id')
          .limit(batchSize)
          .forUpdate()) as Row[]
        for (const row of rows) {
          const set: Record<string, string> = {}
          for (const f of fields) {
            const v = row[f]
            if (typeof v === 'string' && ring.isStale(v)) set[f] = ring.encrypt(String(ring.decrypt(v)))
          }
          count += Object.keys(set).length
          await trx(entity.table).where('id', row.id).update(set)
        }
        if (rows.length) after = rows[rows.length - 1]!.id
        return rows.length < batchSize
      })
      if (done) break
    }
    report.entities[entity.name] = count
    report.values += count
    opts.log?.(`${entity.name}: ${count} value(s) re-encrypted with key ${ring.currentId}`)
  }
  if (report.values)
    await appendAuditEvent(knex, {
      action: 'rotate-keys',
      via: 'system',
      changes: { key: report.key, entities: report.entities },
    })
  return report
}
