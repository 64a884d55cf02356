import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import type { Knex } from 'knex'
import type { DatabaseKind } from '../kernel/database.js'
import { AUDIT_HEAD_TABLE } from '../audit/schema.js'

/** What `manifest.json` beside each backup archive says (docs/operations.md, "Backups"). */
export interface BackupManifest {
  format: 1
  /** UTC ISO time of the consistent snapshot the archive holds. */
  createdAt: string
  plumeVersion: string
  database: DatabaseKind
  /** File name of the archive in the backup folder. */
  archive: string
  /** SHA-256 (hex) and size of the archive: a changed byte fails the drill and the restore. */
  sha256: string
  bytes: number
  /** Rows per table (`table`, or `schema.table` outside `public`) in the snapshot. */
  rowCounts: Record<string, number>
  /** The audit chain's head in the snapshot (null before the first audited change). */
  auditHead: { lastId: number; hash: string } | null
}

type Db = Knex | Knex.Transaction

/** Exact row counts of every table of the database (system schemas left out). */
export async function tableCounts(db: Db): Promise<Record<string, number>> {
  const res = (await db.raw(
    `select n.nspname as schema, c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'
      order by 1, 2`,
  )) as { rows: Array<{ schema: string; name: string }> }
  const out: Record<string, number> = {}
  for (const { schema, name } of res.rows) {
    const q = (await db.raw('select count(*)::int as n from ??.??', [schema, name])) as {
      rows: Array<{ n: number }>
    }
    out[schema === 'public' ? name : `${schema}.${name}`] = Number(q.rows[0]!.n)
  }
  return out
}

/** The audit chain's head (last id and hash), or null when nothing was audited yet. */
export async function auditHead(db: Db): Promise<BackupManifest['auditHead']> {
  const exists = (await db.raw('select to_regclass(?) as t', [AUDIT_HEAD_TABLE])) as {
    rows: Array<{ t: unknown }>
  }
  if (!exists.rows[0]?.t) return null
  const head = (await db(AUDIT_HEAD_TABLE).where('id', 1).first()) as
    { last_id: string | number; last_hash: string } | undefined
  return head ? { lastId: Number(head.last_id), hash: head.last_hash } : null
}

/** SHA-256 (hex) and size of a file, streamed. */
export async function fileDigest(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256')
  let bytes = 0
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk)
    bytes += chunk.length
  }
  return { sha256: hash.digest('hex'), bytes }
}

/** Tables whose row counts differ between a manifest and a restored database (missing or extra ones too). */
export function countMismatches(
  expected: Record<string, number>,
  actual: Record<string, number>,
): Array<{ table: string; expected: number | null; actual: number | null }> {
  const tables = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort()
  return tables
    .filter((t) => expected[t] !== actual[t])
    .map((t) => ({ table: t, expected: expected[t] ?? null, actual: actual[t] ?? null }))
}
