/**
 * `@plume/core`: what a plugin author needs, each name documented in docs/plugins.md
 * ("API reference"; `core/src/__tests__/public-api.test.ts` keeps the two equal). Everything else
 * is internal (`@plume/core/internal`).
 */
// plugins
export {
  definePlugin,
  firstUserWithRole,
  createDemoUsers,
  runAction,
  allowedActions,
} from './plugins/index.js'
export { systemOnly } from './plugins/system-only.js'
export type {
  PluginDefinition,
  PluginContext,
  Unregister,
  PluginHook,
  EntityHooks,
  ActionDefinition,
  ActionCallContext,
  ActionContext,
  AfterCommit,
  RunAction,
  AllowedAction,
  AllowedActions,
  CustomService,
  PluginMigration,
  ServiceMethod,
  ActionInfo,
  DemoUser,
} from './plugins/index.js'
// the app and its settings
export type { PlumeApp, PlumeSettings, AroundHook, Database } from './kernel/types.js'
export { setting, knexOf } from './kernel/settings.js'
// database work
export { defer, inTransaction } from './db/commit.js'
// a transaction whose service events wait for its commit (and vanish on rollback)
export { withCommitEvents } from './app/commit-events.js'
// realtime for records written by raw SQL (ledgers): their events after the commit
export { announceAfterCommit, type RawWriteEvent } from './plugins/raw-events.js'
export { prepared } from './db/prepared.js'
// entity services, queries, validation
export type { EntityParams, Paginated, Row } from './service/entity-service.js'
// many records through the full service path, written in chunks (imports, seeds)
export {
  bulkWrite,
  BULK_CHUNK,
  BULK_EVENTS_MAX,
  BULK_EVENT,
  type BulkItem,
  type BulkResult,
  type BulkOptions,
  type BulkOutcome,
} from './service/bulk.js'
export { parseQuery, parsePage, type ParsedQuery, type FilterGroup, type Condition } from './service/query.js'
export { applyFilter, type RowScope } from './service/sql.js'
export { normalizeFields, normalizeText, type TextCase } from './service/normalize-text.js'
export { assertValidData } from './validation/data.js'
export { readAccess, type ReadAccess } from './permissions/access.js'
// audit trail
export { recordAuditEvent, auditAdminChange, auditedAction, type AuditEvent } from './audit/index.js'
// background jobs
export { JobQueue, PermanentJobError } from './jobs/index.js'
// automation actions and facts contributed by plugins
export type {
  ActionExecutor,
  ActionRun,
  ActionSpec,
  ActionValidationContext,
  FactDefinition,
  FactContext,
  TriggerEvent,
} from './automation/index.js'
// API documentation of custom services
export { PAGING, objectSchema, pageOf } from './app/openapi/index.js'
export type { OperationDocs, ServiceDocs } from './app/openapi/index.js'
// reports as of a date
export { asOfSource, setAsOfSource, type AsOfSource } from './app/as-of.js'
// helpers plugins share: exact money, demo data
export { Money, money, dec, type MoneyInput } from './lib/money.js'
export { seededRandom, insertRows, type Random } from './lib/seed.js'
export { trxOf, nowOf, invalidField, internalFlag, type CallParams } from './lib/plugin-context.js'
// embedding the platform
export { createPlatform } from './platform.js'
export type { Platform, PlatformOptions } from './platform.js'
// the settings each layer declares on PlumeSettings (module augmentations; types only)
export type {} from './app/settings.js'
export type {} from './audit/settings.js'
export type {} from './auth/settings.js'
export type {} from './jobs/settings.js'
export type {} from './permissions/settings.js'
export type {} from './plugins/settings.js'
