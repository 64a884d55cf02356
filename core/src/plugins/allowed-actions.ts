/** `GET /api/<plural>/:id/actions`: the actions the caller may run on one record now. */
import type { Params } from '@feathersjs/feathers'
import type { EntityDefinition, LocalizedText } from '@plume/metadata'
import { requireAuth } from '../auth/setup.js'
import { clientSafeErrors } from '../app/hooks.js'
import type { ServiceDocs } from '../app/openapi/types.js'
import type { PlumeApp } from '../kernel/types.js'
import { recordId, type ActionInfo } from './actions.js'
import { unmountService } from './mount.js'

/** One action offered on a record. */
export interface AllowedAction {
  name: string
  label?: LocalizedText
  permission: string
  /** JSON Schema of the body, as `POST /api/<plural>/:id/<name>` checks it. */
  input?: Record<string, unknown>
}

export interface AllowedActions {
  id: number
  /** The record's `status` (when it has one): what the actions' `states` are compared with. */
  status?: string | null
  actions: AllowedAction[]
}

/** `api/orders/:id/actions` */
export const allowedActionsPath = (entity: EntityDefinition) => `api/${entity.plural}/:id/actions`

/**
 * The actions of `entity` the caller may run on record `id` now, in declaration order: those
 * whose `states` include the record's `status` (an action without `states` applies in every
 * state), whose `offered` check (if any) accepts the record, and that the caller's permission rules allow on this record (the same decision the
 * action takes inside its transaction). A record the caller may not read is a 404.
 * @example await allowedActions(app, order, 7, { provider: 'rest', user }) // { id: 7, status: 'draft', actions: [{ name: 'submit', … }] }
 */
export async function allowedActions(
  app: PlumeApp,
  entity: EntityDefinition,
  id: number,
  params: Params & { user?: unknown } = {},
): Promise<AllowedActions> {
  // the caller's own read: 404 for a record outside their rows, exactly as GET /api/<plural>/:id
  await app.service(`api/${entity.plural}`).get(id, { ...params, query: {} })
  // the decision needs every field of the row (a rule may read one hidden from this caller)
  const record = (await app.get('db').knex(entity.table).where('id', id).first()) as
    Record<string, unknown> | undefined
  if (!record) return { id, actions: [] }
  const status =
    'status' in entity.fields ? ((record.status as string | null | undefined) ?? null) : undefined
  const guard = app.get('actionGuard')
  const checked = !!(guard && (params.provider || params.user))
  const inState = (info: ActionInfo) => !info.states || (status != null && info.states.includes(status))
  const context = { app, knex: app.get('db').knex }
  const offered = async (info: ActionInfo) =>
    inState(info) &&
    (!info.offered || (await info.offered(record, context))) &&
    (!checked || guard!.allows({ entity, action: info, user: params.user, record, data: {} }))
  const all = app.get('actions')?.get(entity.name) ?? []
  const keep = await Promise.all(all.map(offered))
  const actions = all
    .filter((_, i) => keep[i])
    .map((info) => ({
      name: info.name,
      ...(info.label ? { label: info.label } : {}),
      permission: info.permission,
      ...(info.input ? { input: info.input } : {}),
    }))
  return { id, ...(status !== undefined ? { status } : {}), actions }
}

const docs = (entity: EntityDefinition): ServiceDocs => ({
  tag: entity.ui.label.en,
  description: `The actions the caller may run on one ${entity.ui.label.en} now: allowed in its state and by the caller's permission rules.`,
  operations: {
    find: {
      summary: `Actions allowed now on one ${entity.ui.label.en}`,
      query: { type: 'object', properties: {} },
      result: {
        type: 'object',
        required: ['id', 'actions'],
        properties: {
          id: { type: 'integer' },
          status: { type: ['string', 'null'] },
          actions: {
            type: 'array',
            items: {
              type: 'object',
              required: ['name', 'permission'],
              properties: {
                name: { type: 'string' },
                label: { type: 'object' },
                permission: { type: 'string' },
                input: { type: 'object' },
              },
            },
          },
        },
      },
      errors: { 404: 'No such record, or outside the caller’s rows' },
    },
  },
})

/** Mounts `GET /api/<plural>/:id/actions` for `entity` (once; the plugin host calls it with its first action). */
export function mountAllowedActions(app: PlumeApp, entity: EntityDefinition): void {
  const path = allowedActionsPath(entity)
  if (path in app.services) return
  const service = {
    find: (params: Params) =>
      allowedActions(app, app.get('entities').get(entity.name) ?? entity, recordId(params), params),
    docs: docs(entity),
  }
  app.use(path, service, { methods: ['find'], events: [] })
  app.service(path).hooks({ around: { all: [clientSafeErrors(), requireAuth()] } })
}

/** Unmounts `GET /api/<plural>/:id/actions` from the entities left without actions (their plugins disabled). */
export async function unmountAllowedActions(app: PlumeApp): Promise<void> {
  const withActions = app.get('actions') ?? new Map<string, ActionInfo[]>()
  for (const entity of app.get('entities').values()) {
    const path = allowedActionsPath(entity)
    if (path in app.services && !withActions.get(entity.name)?.length) await unmountService(app, path)
  }
}
