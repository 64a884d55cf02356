/**
 * Metadata as code: a snapshot is what the API manages (custom entities and customizations of
 * file-made ones) plus a fingerprint of every file-made entity; a diff is the plan that would make
 * this database match a snapshot; apply runs that plan in one transaction. Applying a snapshot a
 * second time finds nothing to do.
 */
import { createHash } from 'node:crypto'
import { BadRequest } from '@feathersjs/errors'
import type { Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import { stableStringify } from '../db/migrate/hash.js'
import { applyChangeIn, type ChangeKind, type ChangeRequest, type PlanResult } from './change.js'
import { bodyOf } from './requests.js'
import type { MetadataRuntime, Ownership } from './runtime.js'
import { readStored, type StoredDefinition } from './store.js'

export const SNAPSHOT_FORMAT = 'plume-metadata/1'

export interface Snapshot {
  format: typeof SNAPSHOT_FORMAT
  /** Custom entities by name, each an entity file. */
  custom: Record<string, Record<string, unknown>>
  /** Customizations of file-made entities by name. */
  customizations: Record<string, Record<string, unknown>>
  /** File-made entities: where they come from and a hash of their file definition (files travel with the code). */
  files: Record<string, { ownership: Ownership; hash: string }>
}

export interface SnapshotChange {
  entity: string
  kind: ChangeKind
  plan: PlanResult
}

export interface DiffResult {
  empty: boolean
  changes: SnapshotChange[]
  /** Differences a snapshot cannot carry (a file-made entity that differs or is missing here). */
  warnings: string[]
}

const hashOf = (v: unknown) => createHash('sha256').update(stableStringify(v)).digest('hex').slice(0, 16)
const same = (a: unknown, b: unknown) => stableStringify(a) === stableStringify(b)

/** The running model as a snapshot. */
export async function takeSnapshot(rt: MetadataRuntime): Promise<Snapshot> {
  const stored = await readStored(rt.app.get('db').knex)
  const snap: Snapshot = { format: SNAPSHOT_FORMAT, custom: {}, customizations: {}, files: {} }
  for (const s of stored.values())
    (s.kind === 'custom' ? snap.custom : snap.customizations)[s.name] = s.definition
  for (const [name, def] of rt.files)
    snap.files[name] = { ownership: rt.ownership(name), hash: hashOf(def.schema) }
  return snap
}

const record = (v: unknown, path: string): Record<string, Record<string, unknown>> => {
  if (v === undefined) return {}
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw new BadRequest(`Invalid snapshot: ${path} must be an object`, {
      errors: [{ path, message: 'must be an object' }],
    })
  return v as Record<string, Record<string, unknown>>
}

/** Reads a snapshot from a request body (`{ snapshot, confirm?, renames? }`). */
export function parseSnapshot(v: unknown): Snapshot {
  const body = bodyOf(v, ['format', 'custom', 'customizations', 'files'])
  if (body.format !== SNAPSHOT_FORMAT)
    throw new BadRequest(`Invalid snapshot: /format must be "${SNAPSHOT_FORMAT}"`, {
      errors: [{ path: '/snapshot/format', message: `must be "${SNAPSHOT_FORMAT}"` }],
    })
  return {
    format: SNAPSHOT_FORMAT,
    custom: record(body.custom, '/snapshot/custom'),
    customizations: record(body.customizations, '/snapshot/customizations'),
    files: record(body.files, '/snapshot/files') as Snapshot['files'],
  }
}

/** Custom entities in an order where each comes after the custom entities it refers to. */
function byReferences(custom: Snapshot['custom']): string[] {
  const out: string[] = []
  const visiting = new Set<string>()
  const visit = (name: string) => {
    if (out.includes(name) || visiting.has(name)) return
    visiting.add(name)
    const props = (custom[name]?.properties ?? {}) as Record<string, { 'x-ref'?: { entity?: string } }>
    for (const p of Object.values(props))
      if (p['x-ref']?.entity && p['x-ref'].entity in custom) visit(p['x-ref'].entity)
    out.push(name)
  }
  for (const name of Object.keys(custom).sort()) visit(name)
  return out
}

/** The change requests that make `stored` match the snapshot, in the order they can run. */
function requestsFor(
  rt: MetadataRuntime,
  snap: Snapshot,
  stored: Map<string, StoredDefinition>,
  renames: Record<string, Record<string, string>>,
): { requests: ChangeRequest[]; warnings: string[] } {
  const requests: ChangeRequest[] = []
  const warnings: string[] = []
  for (const name of byReferences(snap.custom)) {
    const now = stored.get(name)
    const definition = snap.custom[name]!
    if (now?.kind === 'custom' && same(now.definition, definition)) continue
    if (!now && rt.files.has(name)) {
      warnings.push(
        `${name}: the snapshot has it as a custom entity, but here it is defined by files; left alone`,
      )
      continue
    }
    requests.push({
      entity: name,
      next: { name, kind: 'custom', definition },
      renames: renames[name] ?? {},
      kind: now ? 'change' : 'create',
    })
  }
  for (const [name, definition] of Object.entries(snap.customizations).sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    if (!rt.files.has(name)) {
      warnings.push(`${name}: the snapshot customizes it, but no file defines it here; left alone`)
      continue
    }
    const now = stored.get(name)
    if (now?.kind === 'customization' && same(now.definition, definition)) continue
    requests.push({
      entity: name,
      next: { name, kind: 'customization', definition },
      renames: renames[name] ?? {},
      kind: 'snapshot',
    })
  }
  // customizations first (they may refer to custom entities), then custom entities, those referring to others before them
  for (const s of stored.values()) {
    if (s.kind === 'customization' && !(s.name in snap.customizations))
      requests.push({ entity: s.name, next: null, renames: renames[s.name] ?? {}, kind: 'snapshot' })
  }
  const custom = Object.fromEntries(
    [...stored.values()].filter((s) => s.kind === 'custom').map((s) => [s.name, s.definition]),
  )
  for (const name of byReferences(custom).reverse()) {
    if (!(name in snap.custom)) requests.push({ entity: name, next: null, renames: {}, kind: 'remove' })
  }
  for (const [name, f] of Object.entries(snap.files)) {
    const here = rt.files.get(name)
    if (!here)
      warnings.push(
        `${name}: defined by files where the snapshot was taken (${f.ownership.kind}), missing here`,
      )
    else if (hashOf(here.schema) !== f.hash)
      warnings.push(
        `${name}: its file definition differs from the snapshot's (deploy the same code to compare)`,
      )
  }
  return { requests, warnings }
}

class Undo extends Error {
  constructor(readonly result: DiffResult) {
    super('diff')
  }
}

/**
 * Plans (dry run, rolled back) or applies (one transaction) a snapshot. `confirm` names
 * destructive steps as `<entity>:<step>`; `renames` maps, per entity, old field names to new.
 */
export async function runSnapshot(
  rt: MetadataRuntime,
  snap: Snapshot,
  opts: {
    apply: boolean
    confirm?: string[]
    renames?: Record<string, Record<string, string>>
    params?: Params
  },
): Promise<DiffResult> {
  const knex: Knex = rt.app.get('db').knex
  const work = async (trx: Knex.Transaction): Promise<DiffResult> => {
    const { requests, warnings } = requestsFor(rt, snap, await readStored(trx), opts.renames ?? {})
    const changes: SnapshotChange[] = []
    for (const req of requests) {
      const confirm = (opts.confirm ?? [])
        .filter((c) => c.startsWith(`${req.entity}:`))
        .map((c) => c.slice(req.entity.length + 1))
      const result = await applyChangeIn(
        trx,
        rt.app,
        rt,
        { ...req, confirm, dryRun: !opts.apply },
        opts.params,
      )
      changes.push({ entity: req.entity, kind: req.kind, plan: result })
    }
    return { empty: changes.length === 0, changes, warnings }
  }
  if (opts.apply) {
    const result = await knex.transaction(work)
    await rt.refresh()
    return result
  }
  try {
    await knex.transaction(async (trx) => {
      throw new Undo(await work(trx))
    })
  } catch (err) {
    if (err instanceof Undo) return err.result
    throw err
  }
  throw new Error('unreachable')
}
