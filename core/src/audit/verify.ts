import type { Knex } from 'knex'
import { GENESIS_HASH, rowHash, type AuditContent } from './canonical.js'
import { AUDIT_HEAD_TABLE, AUDIT_TABLE } from './schema.js'

export type TamperReason = 'altered' | 'inserted' | 'deleted'

export interface ChainReport {
  ok: boolean
  /** Rows read. */
  checked: number
  /**
   * The first place the chain breaks. `altered`: the row's content no longer matches its hash.
   * `inserted`: the row was not written by Plume (the chain skips it, or it lies past the head).
   * `deleted`: rows are missing just before this one (`id` is the row after the gap; when the
   * newest rows were cut off, `id` is the last id the head recorded).
   */
  firstBad?: { id: number; reason: TamperReason; message: string }
}

interface StoredRow {
  id: string | number
  at: Date | string
  actor_id: string | null
  actor: string | null
  via: string
  action: string
  entity: string | null
  record_id: string | null
  changes: unknown
  request_id: string | null
  ip: string | null
  prev_hash: string
  hash: string
}

const iso = (at: Date | string) => (at instanceof Date ? at : new Date(at)).toISOString()

export function contentOf(r: StoredRow): AuditContent {
  return {
    at: iso(r.at),
    actorId: r.actor_id,
    actor: r.actor,
    via: r.via,
    action: r.action,
    entity: r.entity,
    recordId: r.record_id,
    changes: typeof r.changes === 'string' ? (JSON.parse(r.changes) as unknown) : (r.changes ?? null),
    requestId: r.request_id,
    ip: r.ip,
  }
}

const BATCH = 2000

async function* rowsOf(trx: Knex.Transaction): AsyncGenerator<StoredRow> {
  let after: string | number = -1
  for (;;) {
    const rows = (await trx(AUDIT_TABLE)
      .select('*')
      .where('id', '>', after)
      .orderBy('id')
      .limit(BATCH)) as StoredRow[]
    for (const r of rows) yield r
    if (rows.length < BATCH) return
    after = rows[rows.length - 1]!.id
  }
}

/**
 * Walks the audit chain in id order, recomputing every hash, on one consistent snapshot.
 * @example const { ok, firstBad } = await verifyAuditChain(db.knex)
 */
export async function verifyAuditChain(knex: Knex): Promise<ChainReport> {
  return knex.transaction(async (trx) => {
    await trx.raw('set transaction isolation level repeatable read')
    const head = (await trx(AUDIT_HEAD_TABLE).where('id', 1).first()) as
      { last_id: string | number; last_hash: string } | undefined
    const headId = head ? Number(head.last_id) : 0
    let expected = GENESIS_HASH
    let prevId = 0
    let checked = 0
    let current: StoredRow | undefined
    const bad = (id: number, reason: TamperReason, message: string): ChainReport => ({
      ok: false,
      checked,
      firstBad: { id, reason, message },
    })
    const it = rowsOf(trx)
    let next = (await it.next()).value as StoredRow | undefined
    while ((current = next)) {
      next = (await it.next()).value as StoredRow | undefined
      checked++
      const id = Number(current.id)
      const selfOk = rowHash(current.prev_hash, contentOf(current)) === current.hash
      const linkOk = current.prev_hash === expected
      // the chain goes on from the row before as if this one were not there, or it lies past the head
      if ((next && next.prev_hash === expected) || (head && id > headId))
        return bad(id, 'inserted', `audit row ${id} was not written by Plume`)
      if (selfOk && linkOk) {
        expected = current.hash
        prevId = id
        continue
      }
      if (selfOk) return bad(id, 'deleted', `audit rows between ${prevId} and ${id} are missing`)
      return bad(id, 'altered', `audit row ${id} was changed after it was written`)
    }
    if (head && (head.last_hash !== expected || headId !== prevId)) {
      return bad(headId, 'deleted', `the newest audit rows (after ${prevId}, up to ${headId}) are missing`)
    }
    return { ok: true, checked }
  })
}
