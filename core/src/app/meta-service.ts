/**
 * `api/meta`: what the admin UI needs to build its screens at run time — the entities the caller
 * may see (fields, relations, UI hints, record JSON Schema), the actions per entity, and the
 * dashboard cards. Read on every call, so entities and actions added by plugins at run time show
 * up without a rebuild of the UI.
 */
import type { Params } from '@feathersjs/feathers'
import { entityJsonSchema, type EntityDefinition, type FieldDefinition } from '@plume/metadata'
import { requireAuth } from '../auth/setup.js'
import type { SessionUser } from '../auth/session.js'
import type { ActionInfo } from '../plugins/actions.js'
import { clientSafeErrors } from './hooks.js'
import type { ServiceDocs } from './openapi/types.js'
import type { PlumeApp } from '../kernel/types.js'

export interface FieldMeta {
  name: string
  type: FieldDefinition['type']
  format?: string
  enum?: Array<string | number>
  xType?: FieldDefinition['xType']
  ref?: FieldDefinition['ref']
  required: boolean
  readOnly: boolean
  writeOnly: boolean
  nullable: boolean
  serverManaged: boolean
  searchable: boolean
  sensitive: boolean
  unique: boolean
  default?: unknown
  minimum?: number
  maximum?: number
  minLength?: number
  maxLength?: number
  ui: FieldDefinition['ui']
  /** Nested fields of an object property (e.g. an address), with their labels. */
  properties?: Record<string, { type: unknown; ui?: FieldDefinition['ui'] }>
}

export interface EntityMeta {
  name: string
  plural: string
  domain: string
  description?: string
  versioned: boolean
  fieldOrder: string[]
  fields: Record<string, FieldMeta>
  relations: EntityDefinition['relations']
  ui: EntityDefinition['ui']
  /** Record schema without `x-` keywords, for client-side validation (Ajv 2020). */
  schema: Record<string, unknown>
}

/** A dashboard card as data: a plugin ships its own in `admin/cards.json` (listed while it is enabled). */
export type DashboardCard = Record<string, unknown> & { id: string; kind: string }

export interface MetaResponse {
  user: {
    id: number
    email?: unknown
    name?: unknown
    roles: string[]
    locale?: unknown
    partnerId?: number | null
  }
  entities: EntityMeta[]
  actions: Record<string, Array<Pick<ActionInfo, 'name' | 'plugin' | 'permission' | 'label' | 'path'>>>
  dashboard: DashboardCard[]
  /** The enabled plugins: the admin UI shows a plugin's screens (`admin/index.ts`) only while it is enabled. */
  plugins: string[]
}

/**
 * Optional filter installed by the permission layer: `app.set('metaFilter', (user, entity) => …)`
 * returns the entity as this user may see it (fields removed), or `null` to hide it.
 */
export type MetaFilter = (user: SessionUser | undefined, entity: EntityMeta) => EntityMeta | null

function fieldMeta(f: FieldDefinition): FieldMeta {
  const nested = f.schema.properties as Record<string, Record<string, unknown>> | undefined
  return {
    name: f.name,
    type: f.type,
    ...(f.format ? { format: f.format } : {}),
    ...(f.enum ? { enum: f.enum } : {}),
    ...(f.xType ? { xType: f.xType } : {}),
    ...(f.ref ? { ref: f.ref } : {}),
    required: f.required,
    readOnly: f.readOnly,
    writeOnly: f.writeOnly === true,
    nullable: f.nullable,
    serverManaged: f.serverManaged,
    searchable: f.searchable,
    sensitive: f.sensitive,
    unique: f.unique,
    ...(f.default !== undefined ? { default: f.default } : {}),
    ...(f.minimum !== undefined ? { minimum: f.minimum } : {}),
    ...(f.maximum !== undefined ? { maximum: f.maximum } : {}),
    ...(f.minLength !== undefined ? { minLength: f.minLength } : {}),
    ...(f.maxLength !== undefined ? { maxLength: f.maxLength } : {}),
    ui: f.ui,
    ...(nested && typeof nested === 'object'
      ? {
          properties: Object.fromEntries(
            Object.entries(nested).map(([k, v]) => [
              k,
              { type: v.type, ...(v['x-ui'] ? { ui: v['x-ui'] as FieldDefinition['ui'] } : {}) },
            ]),
          ),
        }
      : {}),
  }
}

/** The metadata of one entity as the admin UI reads it. */
export function entityMeta(def: EntityDefinition): EntityMeta {
  return {
    name: def.name,
    plural: def.plural,
    domain: def.domain,
    ...(def.description ? { description: def.description } : {}),
    versioned: def.versioned,
    fieldOrder: [...def.fieldOrder],
    fields: Object.fromEntries(
      def.fieldOrder.flatMap((n) => (def.fields[n] ? [[n, fieldMeta(def.fields[n])]] : [])),
    ),
    relations: def.relations,
    ui: def.ui,
    schema: entityJsonSchema(def),
  }
}

/** The `api/meta` service (find only). */
export class MetaService {
  constructor(private readonly app: PlumeApp) {}

  async find(params: Params = {}): Promise<MetaResponse> {
    const user = (params as { user?: SessionUser }).user
    const filter = this.app.get('metaFilter')
    const entities: EntityMeta[] = []
    for (const def of this.app.get('entities').values()) {
      // an entity whose service is not mounted (its plugin is disabled) is not offered
      if (!(`api/${def.plural}` in this.app.services)) continue
      const meta = filter ? filter(user, entityMeta(def)) : entityMeta(def)
      if (meta) entities.push(meta)
    }
    const visible = new Set(entities.map((e) => e.name))
    const all = this.app.get('actions') ?? new Map<string, ActionInfo[]>()
    const actions: MetaResponse['actions'] = {}
    for (const [entity, list] of all) {
      if (!visible.has(entity)) continue
      actions[entity] = list.map((a) => ({
        name: a.name,
        plugin: a.plugin,
        permission: a.permission,
        path: a.path,
        ...(a.label ? { label: a.label } : {}),
      }))
    }
    return {
      user: user
        ? {
            id: user.id,
            email: user.email,
            name: user.name,
            roles: user.roles ?? [],
            locale: user.locale,
            partnerId: user.partnerId ?? null,
          }
        : { id: 0, roles: [] },
      entities,
      actions,
      dashboard: this.cards().filter((c) => typeof c.entity !== 'string' || visible.has(c.entity)),
      plugins: this.enabledPlugins().map((p) => p.name),
    }
  }

  private enabledPlugins() {
    const host = this.app.get('plugins')
    return (host?.plugins ?? []).filter((p) => host?.isEnabled(p.name))
  }

  /** The cards set on the app, then those of the enabled plugins (`admin/cards.json`), by `position`. */
  private cards(): DashboardCard[] {
    const fromPlugins = this.enabledPlugins().flatMap((p) => p.admin?.cards ?? [])
    const pos = (c: DashboardCard) => (typeof c.position === 'number' ? c.position : Number.MAX_SAFE_INTEGER)
    return [...(this.app.get('dashboardCards') ?? []), ...fromPlugins].sort((a, b) => pos(a) - pos(b))
  }
}

const metaDocs: ServiceDocs = {
  tag: 'Metadata',
  operations: {
    find: {
      summary:
        'What the admin UI builds its screens from: the entities the caller may see, actions per entity, dashboard cards',
      query: { type: 'object', properties: {}, additionalProperties: false },
      result: {
        type: 'object',
        properties: {
          user: { type: 'object' },
          entities: { type: 'array', items: { type: 'object' } },
          actions: { type: 'object' },
          dashboard: { type: 'array', items: { type: 'object' } },
          plugins: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
}

/**
 * Mounts `api/meta` (authenticated, find only).
 * @example setupMetaService(app) // GET /api/meta → { user, entities, actions, dashboard }
 */
export function setupMetaService(app: PlumeApp): void {
  app.use('api/meta', Object.assign(new MetaService(app), { docs: metaDocs }), {
    methods: ['find'],
    events: [],
  })
  app.service('api/meta').hooks({ around: { all: [clientSafeErrors(), requireAuth()] } })
}
