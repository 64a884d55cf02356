/**
 * Run-time metadata (docs/metadata.md "At run time"): `api/entity-definitions` with preview,
 * apply, versions and rollback, and `api/metadata/snapshot|diff|apply`; the model is kept live on
 * every instance through `MetadataRuntime`.
 */
import type { EntitySource } from '@plume/metadata'
import type { Knex } from 'knex'
import { msFromEnv, whileRunning } from '../app/background.js'
import type { PlumeApp } from '../kernel/types.js'
import {
  applyDocs,
  definitionsDocs,
  diffDocs,
  previewDocs,
  rollbackDocs,
  snapshotApplyDocs,
  snapshotDocs,
  versionsDocs,
} from './docs.js'
import { metadataGuard } from './guard.js'
import { buildModel, type Model } from './model.js'
import { bodyOf } from './requests.js'
import { MetadataRuntime } from './runtime.js'
import {
  ApplyService,
  EntityDefinitionsService,
  PreviewService,
  RollbackService,
  VersionsService,
} from './service.js'
import { parseSnapshot, runSnapshot, takeSnapshot } from './snapshot.js'
import { ensureMetadataTables, readStored, revision, type StoredDefinition } from './store.js'

export { MetadataRuntime } from './runtime.js'
export { buildModel } from './model.js'
export { castClass } from './cast-matrix.js'
export {
  takeSnapshot,
  runSnapshot,
  parseSnapshot,
  SNAPSHOT_FORMAT,
  type Snapshot,
  type DiffResult,
} from './snapshot.js'

export const DEFINITIONS_PATH = 'api/entity-definitions'

/**
 * Reads the stored definitions and builds the model the platform starts with (before migrating).
 * @example const loaded = await loadModel(db.knex, fileSources); migrate(db.knex, [...loaded.model.entities.values()])
 */
export async function loadModel(
  knex: Knex,
  files: readonly EntitySource[],
): Promise<{ model: Model; stored: Map<string, StoredDefinition>; seen: number }> {
  await ensureMetadataTables(knex)
  const seen = await revision(knex)
  const stored = await readStored(knex)
  return { model: buildModel(files, stored), stored, seen }
}

type SnapshotBody = { snapshot: unknown; confirm?: unknown; renames?: unknown }

function snapshotOptions(data: unknown): {
  snap: ReturnType<typeof parseSnapshot>
  confirm: string[]
  renames: Record<string, Record<string, string>>
} {
  const body = bodyOf(data, ['snapshot', 'confirm', 'renames']) as SnapshotBody
  const confirm = Array.isArray(body.confirm)
    ? body.confirm.filter((s): s is string => typeof s === 'string')
    : []
  const renames =
    body.renames && typeof body.renames === 'object'
      ? (body.renames as Record<string, Record<string, string>>)
      : {}
  return { snap: parseSnapshot(body.snapshot), confirm, renames }
}

/**
 * Mounts the metadata routes and the poll that keeps this instance on the latest definitions
 * (`PLUME_METADATA_SYNC_MS`, default 500).
 * @example setupMetadataApi(app, fileSources, loaded)
 */
export function setupMetadataApi(
  app: PlumeApp,
  files: readonly EntitySource[],
  loaded: { model: Model; stored: Map<string, StoredDefinition>; seen: number },
): MetadataRuntime {
  const rt = new MetadataRuntime(app, files)
  rt.started(loaded.model, loaded.stored, loaded.seen)
  app.set('metadataRuntime', rt)
  const mount = (path: string, service: object, methods: string[], action?: string) => {
    app.use(path, service as never, { methods, events: [] })
    app.service(path).hooks({ around: { all: metadataGuard(app, action) } })
  }
  mount(DEFINITIONS_PATH, Object.assign(new EntityDefinitionsService(rt), { docs: definitionsDocs }), [
    'find',
    'get',
    'create',
    'patch',
    'remove',
  ])
  mount(
    `${DEFINITIONS_PATH}/:name/preview`,
    Object.assign(new PreviewService(rt), { docs: previewDocs }),
    ['create'],
    'preview',
  )
  mount(
    `${DEFINITIONS_PATH}/:name/apply`,
    Object.assign(new ApplyService(rt), { docs: applyDocs }),
    ['create'],
    'apply',
  )
  mount(
    `${DEFINITIONS_PATH}/:name/versions`,
    Object.assign(new VersionsService(rt), { docs: versionsDocs }),
    ['find'],
    'versions',
  )
  mount(
    `${DEFINITIONS_PATH}/:name/rollback`,
    Object.assign(new RollbackService(rt), { docs: rollbackDocs }),
    ['create'],
    'rollback',
  )
  mount('api/metadata/snapshot', { find: () => takeSnapshot(rt), docs: snapshotDocs }, ['find'], 'snapshot')
  mount(
    'api/metadata/diff',
    {
      create: (data: unknown) => {
        const o = snapshotOptions(data)
        return runSnapshot(rt, o.snap, { apply: false, confirm: o.confirm, renames: o.renames })
      },
      docs: diffDocs,
    },
    ['create'],
    'diff',
  )
  mount(
    'api/metadata/apply',
    {
      create: (data: unknown, params: object) => {
        const o = snapshotOptions(data)
        return runSnapshot(rt, o.snap, { apply: true, confirm: o.confirm, renames: o.renames, params })
      },
      docs: snapshotApplyDocs,
    },
    ['create'],
    'apply',
  )
  const logger = app.get('logger')
  whileRunning(
    app,
    'plume-metadata-sync',
    msFromEnv('PLUME_METADATA_SYNC_MS', 500),
    () => rt.check(),
    (err) => logger.warn({ err: (err as Error).message }, 'metadata: definitions sync failed'),
  )
  return rt
}
