import type { Knex } from 'knex'
import type { RowError } from './rows.js'
import { IMPORTS_TABLE } from './migrations/20261207180000-imports.js'

export type ImportStatus =
  'uploading' | 'uploaded' | 'queued' | 'running' | 'checked' | 'failed' | 'done' | 'error'

/** An import as stored, without its file. */
export interface ImportRecord {
  id: number
  userId: number
  entity: string
  format: 'csv' | 'xlsx'
  filename: string | null
  locale: 'en' | 'zh-CN'
  uploaded: boolean
  header: string[] | null
  sample: string[][] | null
  mapping: Record<string, string | null> | null
  upsertKey: string[] | null
  status: ImportStatus
  mode: 'dry-run' | 'commit' | null
  jobId: number | null
  total: number
  processed: number
  created: number
  updated: number
  errorCount: number
  errors: RowError[]
  startedAt: string | null
  finishedAt: string | null
  createdAt: string
  updatedAt: string
}

export const COLUMNS = [
  'id',
  'userId',
  'entity',
  'format',
  'filename',
  'locale',
  'uploaded',
  'header',
  'sample',
  'mapping',
  'upsertKey',
  'status',
  'mode',
  'jobId',
  'total',
  'processed',
  'created',
  'updated',
  'errorCount',
  'errors',
  'startedAt',
  'finishedAt',
  'createdAt',
  'updatedAt',
]

const iso = (v: unknown) =>
  v instanceof Date ? v.toISOString() : v === null || v === undefined ? null : String(v)
const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T))

/** A stored row with JSON parsed, numbers as numbers and times as UTC ISO text. */
export function shape(row: Record<string, unknown>): ImportRecord {
  return {
    ...(row as unknown as ImportRecord),
    id: Number(row.id),
    jobId: row.jobId === null || row.jobId === undefined ? null : Number(row.jobId),
    header: json(row.header),
    sample: json(row.sample),
    mapping: json(row.mapping),
    upsertKey: json(row.upsertKey),
    errors: json<RowError[] | null>(row.errors) ?? [],
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
    createdAt: iso(row.createdAt)!,
    updatedAt: iso(row.updatedAt)!,
  }
}

export async function readImport(
  db: Knex | Knex.Transaction,
  id: number,
  withFile = false,
): Promise<(ImportRecord & { file?: Buffer }) | undefined> {
  const row = (await db(IMPORTS_TABLE)
    .select(withFile ? [...COLUMNS, 'file'] : COLUMNS)
    .where('id', id)
    .first()) as Record<string, unknown> | undefined
  if (!row) return undefined
  const out = shape(row) as ImportRecord & { file?: Buffer }
  if (withFile) out.file = Buffer.from(row.file as Uint8Array)
  return out
}

/** Writes some fields of an import (JSON ones as JSON text). */
export async function saveImport(
  db: Knex | Knex.Transaction,
  id: number,
  set: Partial<Omit<ImportRecord, 'id'>>,
): Promise<void> {
  const row: Record<string, unknown> = { ...set, updatedAt: new Date() }
  for (const k of ['header', 'sample', 'mapping', 'upsertKey', 'errors'] as const)
    if (k in set) row[k] = JSON.stringify(set[k])
  await db(IMPORTS_TABLE).where('id', id).update(row)
}

/**
 * Runs in progress on this instance: their latest state, answered without a database read (on
 * embedded PGlite the one connection is held by the import's transaction until it ends).
 */
const live = new WeakMap<object, Map<number, ImportRecord>>()

export function liveImports(app: object): Map<number, ImportRecord> {
  let m = live.get(app)
  if (!m) live.set(app, (m = new Map()))
  return m
}
