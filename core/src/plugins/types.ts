import type { HookContext, NextFunction } from '@feathersjs/feathers'
import type { EntityDefinition, LocalizedText } from '@plume/metadata'
import type { Knex } from 'knex'
import type { Logger } from 'pino'
import type { ServiceDocs } from '../app/openapi/types.js'
import type { PlumeApp } from '../kernel/types.js'

/** An around hook: `(context, next) => …`, exactly as Feathers runs them. */
export type PluginHook = (context: HookContext, next: NextFunction) => Promise<unknown>

export type ServiceMethod = 'find' | 'get' | 'create' | 'update' | 'patch' | 'remove'

/** Hooks a plugin adds to one entity's service, per method or for all of them. */
export type EntityHooks = Partial<Record<ServiceMethod | 'all', PluginHook[]>>

/** What a plugin's lifecycle functions receive. */
export interface PluginContext {
  app: PlumeApp
  knex: Knex
  logger: Logger
  entities: Map<string, EntityDefinition>
  /** The public API another plugin returned from `setup` (only for plugins in `dependsOn`). */
  use<T = unknown>(plugin: string): T
  /**
   * Adds something to another plugin's extension point, owned by this plugin: `add` runs now and
   * returns its remover, which the host calls when this plugin is switched off — here or, followed,
   * on every other instance — or fails, and before its `setup` runs again. So a registration made in
   * `setup` exists exactly once while the plugin is enabled, and never while it is not.
   * @example ctx.register(() => ctx.use<OrdersApi>('orders').addTransitionHook(accrueOnDelivery()))
   */
  register(add: () => Unregister): void
}

/** What an extension point's `add…` returns: removes what was added (called once). */
export type Unregister = () => void

/** What an action's `offered` check may read besides the record (e.g. whether there is anything left to reverse). */
export interface OfferContext {
  app: PlumeApp
  knex: Knex
}

/**
 * A custom action on one record, mounted at `POST /api/<plural>/:id/<action>`
 * (e.g. `POST /api/orders/:id/submit`). Runs in one transaction with the audit trail.
 */
export interface ActionDefinition {
  /** Permission name, e.g. `orders:submit`; defaults to `<plural>:<action>`. */
  permission?: string
  label?: LocalizedText
  /**
   * JSON Schema (Ajv 2020, an object) of the request body. The action layer validates the body
   * against it before the handler runs (400 naming each field) and `/api/openapi.json` shows it;
   * without one, any JSON object reaches the handler.
   */
  input?: Record<string, unknown>
  /**
   * Values of the record's `status` the action applies to: documented (OpenAPI, `api/meta`),
   * offered by `GET /api/<plural>/:id/actions` only in these states, and refused with 409 by the
   * handler in any other (the handler decides, so that an idempotent replay can answer).
   */
  states?: readonly string[]
  /**
   * Whether the action applies to the record as it is, beyond `states` (e.g. only while an
   * order is on credit hold): `GET /api/<plural>/:id/actions` offers it only when this answers
   * true. Like `states`, the handler still refuses it (409) in any other case.
   */
  offered?(record: Record<string, unknown>, context: OfferContext): boolean | Promise<boolean>
  handler(id: number, data: Record<string, unknown>, context: ActionContext): Promise<unknown>
  /**
   * Reads the handler needs, started right behind the record's lock so that both reach the
   * database in one round trip (the pool's connections are pipelined). They run after the lock,
   * in its transaction; the handler finds the promise in `context.prefetched`. Only reads that
   * depend on nothing but the id: the lock's answer is not known yet when they are sent.
   */
  prefetch?(id: number, context: ActionCallContext): Promise<unknown>
}

/** Work to run once an action's transaction has committed (see `ActionContext.afterCommit`). */
export type AfterCommit = () => Promise<void> | void

/**
 * What an action's handler receives: one typed object, the same for REST, socket.io and
 * in-process callers (`runAction`). The record was locked (`FOR UPDATE`) and authorized in
 * this transaction before the handler runs.
 */
export interface ActionContext extends ActionCallContext {
  /** The action's name, e.g. `submit`. */
  action: string
  entity: EntityDefinition
  /** The record as locked, read in the lock's own statement: no need to read it again. */
  record: Record<string, unknown> & { id: number }
  /** What the action's `prefetch` answered (its promise; rejected if the prefetch failed). */
  prefetched?: Promise<unknown>
  /**
   * `fn` runs after the commit, before the answer is sent, holding no lock — for derived data
   * that may lag the change (scores, caches); a failure there is logged, never undoes the
   * committed action. In an action run inside another's transaction, after the outer commit.
   */
  afterCommit(fn: AfterCommit): void
}

export interface ActionCallContext {
  app: PlumeApp
  /** The transaction the action runs in: pass it to every service call and query. */
  trx: Knex.Transaction
  /** Feathers params of the request (user, provider, headers …). */
  params: Record<string, unknown>
}

/** A service that is not generated from an entity, e.g. `api/stock-transfers`. */
export interface CustomService {
  /** How `/api/openapi.json` describes it (a generic description without it); see docs/plugins.md. */
  docs?: ServiceDocs
  [method: string]: unknown
}

export interface PluginMigration {
  /** `<timestamp>-<slug>`, applied once in name order. */
  name: string
  up(ctx: PluginContext, trx: Knex.Transaction): Promise<void>
}

export interface PluginDefinition<Api = unknown> {
  name: string
  version: string
  description?: LocalizedText
  dependsOn?: string[]
  /** Entity files shipped or extended (`x-extends`) by the plugin: folder paths or `{source, raw}`. */
  entities?: Array<string | { source: string; raw: unknown }>
  /** Hooks per entity name (`order`, `customer` …). */
  hooks?: Record<string, EntityHooks>
  /** Actions per entity name. */
  actions?: Record<string, Record<string, ActionDefinition>>
  /** Custom services by path (`api/…`), built when the plugin is enabled. */
  services?: Record<string, (ctx: PluginContext) => CustomService>
  /**
   * What the admin UI shows for the plugin while it is enabled: its dashboard cards (served by
   * `api/meta`). Omitted: the package's `admin/cards.json`, when there is one.
   */
  admin?: { cards?: Array<Record<string, unknown> & { id: string; kind: string }> }
  /**
   * Permission rules the plugin ships, as data (its actions and services). The grants on its own
   * entities go in the package's `rules/grants.json`, which is added to these.
   */
  rules?: unknown[]
  /**
   * Alert and automation rules the plugin ships, as data: stored once by name when it is
   * switched on, run while it is enabled. Omitted: the package's `rules/alerts/*.json`.
   */
  alerts?: unknown[]
  migrations?: PluginMigration[]
  /** Runs on every start (and on enable) before services are mounted; may return an API for dependents. */
  setup?(ctx: PluginContext): Promise<Api> | Api
  /** First time the plugin is installed on a database. */
  install?(ctx: PluginContext): Promise<void>
  enable?(ctx: PluginContext): Promise<void>
  disable?(ctx: PluginContext): Promise<void>
  /** Installed version differs from `version`: runs after pending migrations. */
  upgrade?(ctx: PluginContext, fromVersion: string): Promise<void>
  /** Demo data for an empty database (`PLUME_DEMO=0` skips it). */
  seed?(ctx: PluginContext): Promise<void>
}

/**
 * Declares a plugin with full typing.
 * @example export default definePlugin({ name: 'hello', version: '1.0.0', setup: () => ({}) })
 */
export function definePlugin<Api = unknown>(def: PluginDefinition<Api>): PluginDefinition<Api> {
  return def
}
