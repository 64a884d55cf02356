/**
 * `api/entity-definitions`: list, read, create (custom entities), change and remove definitions,
 * with `:name/preview`, `:name/apply`, `:name/versions` and `:name/rollback` beside it.
 */
import type { Id, Params } from '@feathersjs/feathers'
import { NotFound, BadRequest } from '@feathersjs/errors'
import { servicePath } from '../kernel/paths.js'
import {
  applyChangeIn,
  previewChange,
  type ApplyResult,
  type ChangeRequest,
  type PlanResult,
} from './change.js'
import { bodyOf, changeRequest, routeName } from './requests.js'
import { rollbackRequest } from './rollback.js'
import type { MetadataRuntime, Ownership } from './runtime.js'
import { latestVersion, readVersions, type VersionRow } from './store.js'

export interface DefinitionSummary {
  name: string
  plural: string
  table: string
  route: string
  ownership: Ownership
  /** Whether a file-made entity carries changes made through the API. */
  customized: boolean
  /** Latest version applied through the API (0: never changed through it). */
  version: number
  label: unknown
  /** Whether its service is mounted now (a disabled plugin's entities are not). */
  served: boolean
}

export interface DefinitionDetail extends DefinitionSummary {
  /** The definition in effect (file merged with its customization), as an entity file. */
  definition: Record<string, unknown>
  /** For a file-made entity: what the file says, and what the API added or changed. */
  file?: Record<string, unknown>
  customization?: Record<string, unknown>
}

/** Applies a change in one transaction, then serves it (this instance at once, the others on their next poll). */
export async function commitChange(
  rt: MetadataRuntime,
  req: ChangeRequest,
  params?: Params,
): Promise<ApplyResult> {
  const { knex } = rt.app.get('db')
  const result = await knex.transaction((trx) => applyChangeIn(trx, rt.app, rt, req, params))
  await rt.refresh()
  return result
}

export class EntityDefinitionsService {
  constructor(private readonly rt: MetadataRuntime) {}

  private async summary(name: string): Promise<DefinitionSummary> {
    const def = this.rt.app.get('entities').get(name)
    if (!def) throw new NotFound(`No entity definition named "${name}"`)
    const stored = this.rt.stored.get(name)
    return {
      name,
      plural: def.plural,
      table: def.table,
      route: `/api/${def.plural}`,
      ownership: this.rt.ownership(name),
      customized: stored?.kind === 'customization',
      version: await latestVersion(this.rt.app.get('db').knex, name),
      label: def.ui.label,
      served: servicePath(def) in this.rt.app.services,
    }
  }

  async find(): Promise<DefinitionSummary[]> {
    return Promise.all([...this.rt.app.get('entities').keys()].sort().map((n) => this.summary(n)))
  }

  async get(id: Id): Promise<DefinitionDetail> {
    const name = String(id)
    const s = await this.summary(name)
    const def = this.rt.app.get('entities').get(name)!
    const stored = this.rt.stored.get(name)
    return {
      ...s,
      definition: def.schema,
      ...(s.ownership.kind !== 'custom' ? { file: this.rt.files.get(name)?.schema ?? {} } : {}),
      ...(stored?.kind === 'customization' ? { customization: stored.definition } : {}),
    }
  }

  /** A custom entity: validated, its table created, served at once. */
  async create(data: unknown, params?: Params): Promise<ApplyResult> {
    return commitChange(
      this.rt,
      changeRequest(this.rt, '', data, { create: true, keys: ['definition', 'confirm'] }),
      params,
    )
  }

  /** Changes a definition (custom: whole; file-made: a customization); destructive steps need `confirm`. */
  async patch(id: Id | null, data: unknown, params?: Params): Promise<ApplyResult> {
    if (id === null)
      throw new BadRequest('Change one definition at a time: PATCH /api/entity-definitions/<name>')
    return commitChange(
      this.rt,
      changeRequest(this.rt, String(id), data, { keys: ['definition', 'renames', 'confirm'] }),
      params,
    )
  }

  /** Removes a custom entity's definition (its table and rows stay; a rollback serves them again), or a file-made entity's customization. */
  async remove(id: Id | null, params?: Params): Promise<ApplyResult> {
    const name = String(id)
    if (!this.rt.app.get('entities').has(name)) throw new NotFound(`No entity definition named "${name}"`)
    const owner = this.rt.ownership(name)
    if (owner.kind !== 'custom' && this.rt.stored.get(name)?.kind !== 'customization') {
      throw new BadRequest(
        `"${name}" is defined by ${owner.kind === 'plugin' ? `plugin ${owner.plugin}` : 'the core'} and has no customization to remove`,
      )
    }
    const referrers = [...this.rt.app.get('entities').values()]
      .filter((e) => e.name !== name && Object.values(e.fields).some((f) => f.ref?.entity === name))
      .map((e) => e.name)
    if (owner.kind === 'custom' && referrers.length)
      throw new BadRequest(`"${name}" cannot be removed: ${referrers.join(', ')} refer to it`, {
        errors: [{ path: '', message: `referred to by ${referrers.join(', ')}` }],
      })
    const confirm = String((params?.query as Record<string, unknown> | undefined)?.confirm ?? '')
      .split(',')
      .filter(Boolean)
    return commitChange(this.rt, { entity: name, next: null, renames: {}, kind: 'remove', confirm }, params)
  }
}

/** `POST :name/preview` — the plan and its hash; nothing is written. */
export class PreviewService {
  constructor(private readonly rt: MetadataRuntime) {}
  async create(data: unknown, params: Params): Promise<PlanResult> {
    const name = routeName(params)
    const body = bodyOf(data, ['definition', 'renames'])
    const req = this.rt.app.get('entities').has(name)
      ? changeRequest(this.rt, name, body, { keys: ['definition', 'renames'] })
      : changeRequest(this.rt, '', body, { create: true, keys: ['definition', 'renames'] })
    if (req.entity !== name)
      throw new BadRequest(`Invalid definition: /x-entity/name must be "${name}"`, {
        errors: [{ path: '/x-entity/name', message: `must be "${name}"` }],
      })
    return previewChange(this.rt.app.get('db').knex, this.rt, req)
  }
}

/** `POST :name/apply` — applies exactly the previewed plan (409 when it is stale). */
export class ApplyService {
  constructor(private readonly rt: MetadataRuntime) {}
  async create(data: unknown, params: Params): Promise<ApplyResult> {
    const name = routeName(params)
    const keys = ['definition', 'renames', 'confirm', 'hash'] as const
    const req = this.rt.app.get('entities').has(name)
      ? changeRequest(this.rt, name, data, { keys })
      : changeRequest(this.rt, '', data, { create: true, keys })
    if (req.entity !== name)
      throw new BadRequest(`Invalid definition: /x-entity/name must be "${name}"`, {
        errors: [{ path: '/x-entity/name', message: `must be "${name}"` }],
      })
    return commitChange(this.rt, req, params)
  }
}

/** `GET :name/versions` — every change applied through the API, with its plan and reverse plan. */
export class VersionsService {
  constructor(private readonly rt: MetadataRuntime) {}
  async find(params: Params): Promise<VersionRow[]> {
    const name = routeName(params)
    const versions = await readVersions(this.rt.app.get('db').knex, name)
    if (versions.length === 0 && !this.rt.app.get('entities').has(name))
      throw new NotFound(`No entity definition named "${name}"`)
    return versions
  }
}

/** `POST :name/rollback {version, confirm?}` — back to the definition and schema from before `version`. */
export class RollbackService {
  constructor(private readonly rt: MetadataRuntime) {}
  async create(data: unknown, params: Params): Promise<ApplyResult> {
    const name = routeName(params)
    const body = bodyOf(data, ['version', 'confirm'])
    const confirm = Array.isArray(body.confirm)
      ? body.confirm.filter((s): s is string => typeof s === 'string')
      : []
    const versions = await readVersions(this.rt.app.get('db').knex, name)
    return commitChange(this.rt, rollbackRequest(name, versions, body.version, confirm), params)
  }
}
