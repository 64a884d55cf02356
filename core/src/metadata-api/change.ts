/**
 * One definition change, previewed or applied. Preview runs the plan in a transaction that is
 * rolled back (renames included), so it shows exactly what apply will run; apply runs it again in
 * one transaction under the migration lock, refuses a stale hash (409) and unconfirmed destructive
 * steps, writes the definition, records the version with its reverse plan, audits, commits.
 */
import { createHash } from 'node:crypto'
import { BadRequest, Conflict } from '@feathersjs/errors'
import { buildEntities, type EntityDefinition } from '@plume/metadata'
import type { Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import { auditAdminChange } from '../audit/admin.js'
import { definitionHash, schemaRelevantDefinition, stableStringify } from '../db/migrate/hash.js'
import { MIGRATION_LOCK_KEY } from '../db/migrate/migrate.js'
import { ensureVersionsTable, recordVersion } from '../db/migrate/versions.js'
import type { PlumeApp } from '../kernel/types.js'
import { checkNames } from './names.js'
import { sourcesWith, storedSource } from './model.js'
import { planDefinition, type PlanBody } from './plan.js'
import type { MetadataRuntime } from './runtime.js'
import {
  latestVersion,
  readStored,
  recordChange,
  writeStored,
  type ReversePlan,
  type StoredDefinition,
} from './store.js'

export type ChangeKind = 'create' | 'change' | 'customize' | 'remove' | 'rollback' | 'snapshot'

export interface ChangeRequest {
  entity: string
  /** The stored definition after the change; `null` removes a custom entity's definition (its table stays). */
  next: StoredDefinition | null
  renames: Record<string, string>
  kind: ChangeKind
  /** Destructive steps the caller names (`drop-column:fax`). */
  confirm?: string[]
  /** The hash of the preview; apply refuses with 409 when the plan computed now differs. */
  hash?: string
  /** Plan inside a transaction the caller rolls back (a snapshot diff): no refusal for blocked or unconfirmed steps. */
  dryRun?: boolean
}

export interface PlanResult extends PlanBody {
  /** The version the plan starts from (0: the entity has none yet). */
  fromVersion: number
  hash: string
  /** Steps `apply` needs named in `confirm`. */
  confirmRequired: string[]
}

export interface ApplyResult extends PlanResult {
  version: number
  reverse: ReversePlan
}

const hashOf = (x: unknown) => createHash('sha256').update(stableStringify(x)).digest('hex')

/** The model as it would be after the change, validated like files; 400 with every problem's JSON path. */
async function candidate(
  trx: Knex.Transaction,
  rt: MetadataRuntime,
  req: ChangeRequest,
): Promise<{ all: Map<string, EntityDefinition>; stored: Map<string, StoredDefinition> }> {
  const stored = await readStored(trx)
  const before = new Map(stored)
  if (req.next) stored.set(req.entity, req.next)
  else stored.delete(req.entity)
  const built = buildEntities(sourcesWith(rt.fileSources, rt.files, stored))
  const errors = built.errors.map((e) => ({
    path: e.path,
    message:
      e.source === storedSource({ name: req.entity, kind: req.next?.kind ?? 'custom' })
        ? e.message
        : `${e.source}: ${e.message}`,
  }))
  if (errors.length > 0) {
    const first = errors[0]!
    throw new BadRequest(`Invalid definition: ${first.path || '/'} ${first.message}`, { errors })
  }
  if (req.next?.kind === 'custom' && req.kind === 'create')
    await checkNames(trx, rt, built.entities.get(req.entity))
  return { all: built.entities, stored: before }
}

/** Plans the change on `trx` (renames are run in it): the caller commits or rolls back. */
async function planOn(
  trx: Knex.Transaction,
  rt: MetadataRuntime,
  req: ChangeRequest,
): Promise<{ plan: PlanResult; all: Map<string, EntityDefinition>; stored: Map<string, StoredDefinition> }> {
  const { all, stored } = await candidate(trx, rt, req)
  const fromVersion = await latestVersion(trx, req.entity)
  const target = all.get(req.entity)
  const body: PlanBody = target
    ? await planDefinition(trx, target, all, req.renames)
    : {
        entity: req.entity,
        table: rt.app.get('entities').get(req.entity)?.table ?? '',
        statements: [],
        added: [],
        renamed: [],
        retyped: [],
        dropped: [],
        destructive: [],
        dataLost: [],
        warnings: [
          'the definition is removed; its table and data stay in the database (a rollback serves them again)',
        ],
        blocked: [],
      }
  const confirmRequired = body.destructive.map((d) => d.step)
  const hash = hashOf({
    entity: req.entity,
    fromVersion,
    next: req.next,
    renames: req.renames,
    statements: body.statements,
  })
  return { plan: { ...body, fromVersion, hash, confirmRequired: [...new Set(confirmRequired)] }, all, stored }
}

class Rollback extends Error {
  constructor(readonly result: PlanResult) {
    super('preview')
  }
}

/**
 * What the change would do; nothing is written.
 * @example const plan = await previewChange(app, rt, { entity: 'lead', next, renames: {}, kind: 'change' })
 */
export async function previewChange(
  knex: Knex,
  rt: MetadataRuntime,
  req: ChangeRequest,
): Promise<PlanResult> {
  try {
    await knex.transaction(async (trx) => {
      throw new Rollback((await planOn(trx, rt, req)).plan)
    })
  } catch (err) {
    if (err instanceof Rollback) return err.result
    throw err
  }
  throw new Error('unreachable')
}

/** The reverse of what `trx` just ran: the previous definition planned on the new schema (in a savepoint, undone). */
async function reverseOf(
  trx: Knex.Transaction,
  rt: MetadataRuntime,
  req: ChangeRequest,
  before: StoredDefinition | undefined,
  plan: PlanResult,
): Promise<ReversePlan> {
  const renames = Object.fromEntries(plan.renamed.map((r) => [r.to, r.from]))
  const notes = [...plan.dataLost.map((d) => `not restored: ${d}`)]
  if (!rt.app.get('entities').has(req.entity))
    return {
      statements: [],
      renames: {},
      lossless: true,
      notes: ['undoing a creation removes the definition; the table and its rows stay'],
    }
  try {
    const stored = await readStored(trx)
    if (before) stored.set(req.entity, before)
    else stored.delete(req.entity)
    const built = buildEntities(sourcesWith(rt.fileSources, rt.files, stored))
    const target = built.entities.get(req.entity)
    if (!target || built.errors.length)
      return {
        statements: [],
        renames,
        lossless: false,
        notes: [...notes, 'the previous definition no longer builds against the current files'],
      }
    let statements: string[] = []
    await trx
      .transaction(async (sp) => {
        statements = (await planDefinition(sp, target, built.entities, renames)).statements
        throw new Rollback(plan)
      })
      .catch((err: unknown) => {
        if (!(err instanceof Rollback)) throw err
      })
    return { statements, renames, lossless: notes.length === 0, notes }
  } catch (err) {
    return {
      statements: [],
      renames,
      lossless: false,
      notes: [...notes, `no reverse plan: ${(err as Error).message}`],
    }
  }
}

/** Runs a planned change in `trx` (the caller's transaction, committed by the caller). */
export async function applyChangeIn(
  trx: Knex.Transaction,
  app: PlumeApp,
  rt: MetadataRuntime,
  req: ChangeRequest,
  params?: Params,
): Promise<ApplyResult> {
  await trx.raw('select pg_advisory_xact_lock(?)', [MIGRATION_LOCK_KEY])
  const { plan, all, stored } = await planOn(trx, rt, req)
  if (req.hash !== undefined && req.hash !== plan.hash) {
    throw new Conflict(
      'The schema or the definition changed since this preview: preview again and apply the new plan',
      { reason: 'stale-preview', hash: plan.hash },
    )
  }
  if (plan.blocked.length > 0 && !req.dryRun)
    throw new Conflict(`This change cannot be applied: ${plan.blocked[0]!.message}`, {
      reason: 'blocked',
      errors: plan.blocked,
    })
  const missing = plan.confirmRequired.filter((s) => !(req.confirm ?? []).includes(s))
  if (missing.length > 0 && !req.dryRun) {
    const errors = missing.map((s) => ({
      path: '/confirm',
      message: `must name "${s}": ${plan.destructive
        .filter((d) => d.step === s)
        .map((d) => d.detail)
        .join('; ')}`,
    }))
    throw new BadRequest(
      `Destructive step(s) not confirmed: ${missing.join(', ')}. Send them in "confirm" to apply.`,
      { errors, confirmRequired: plan.confirmRequired },
    )
  }
  // nothing to change (the definition as it is, no statements): no version, no audit entry
  if (
    plan.statements.length === 0 &&
    stableStringify(stored.get(req.entity) ?? null) === stableStringify(req.next)
  )
    return {
      ...plan,
      version: plan.fromVersion,
      reverse: { statements: [], renames: {}, lossless: true, notes: [] },
    }
  // the renames already ran in planOn; the rest now
  for (const sql of plan.statements.slice(plan.renamed.length)) await trx.raw(sql)
  const target = all.get(req.entity)
  if (target) {
    await ensureVersionsTable(trx)
    await recordVersion(trx, {
      entity: target.name,
      table: target.table,
      hash: definitionHash(target),
      definition: schemaRelevantDefinition(target),
    })
  }
  await writeStored(trx, req.entity, req.next)
  const before = stored.get(req.entity)
  const reverse = await reverseOf(trx, rt, req, before, plan)
  const version = plan.fromVersion + 1
  const actor = (params as { user?: { email?: unknown; id?: unknown } } | undefined)?.user
  await recordChange(trx, {
    entity: req.entity,
    version,
    kind: req.kind,
    before: before ?? null,
    after: req.next,
    renames: req.renames,
    statements: plan.statements,
    reverse,
    actor: actor ? String(actor.email ?? actor.id) : null,
  })
  await auditAdminChange(
    app,
    {
      action: req.kind,
      entity: 'entityDefinition',
      recordId: req.entity,
      before: { version: plan.fromVersion, definition: before?.definition ?? null },
      after: { version, definition: req.next?.definition ?? null, statements: plan.statements },
      ...(params ? { params } : {}),
    },
    trx,
  )
  return { ...plan, version, reverse }
}
