/**
 * `@plume/core/internal`: everything the built-in plugins, the CLI and the tests may reach —
 * the public entry (`@plume/core`) and the internals behind it. Not a stable API: third-party
 * plugins use `@plume/core` (docs/plugins.md, "API reference").
 */
export * from './index.js'
export { connectDatabase, databaseOptionsFromEnv } from './db/connect.js'
export type { Database, DatabaseOptions, DatabaseKind } from './db/connect.js'
export { begin, commit, defer, deferredFailure, inTransaction } from './db/commit.js'
export { statement, prepared, type Statement } from './db/prepared.js'
export { createApp, registerEntityService, servicePath } from './app/create-app.js'
export type { CreateAppOptions } from './app/create-app.js'
export type { PlumeApp, PlumeSettings, AroundHook } from './kernel/types.js'
export { setting, knexOf, settingsFromEnv, type EnvSettings } from './kernel/settings.js'
export { asOfSource, setAsOfSource, type AsOfSource } from './app/as-of.js'
export { createPlatform, ensureFirstAdmin } from './platform.js'
export type { Platform, PlatformOptions } from './platform.js'
export { EntityService } from './service/entity-service.js'
export type { EntityParams, Paginated, Row } from './service/entity-service.js'
export { parseQuery, parsePage } from './service/query.js'
export { normalizeFields, normalizeQuery, normalizeText, type TextCase } from './service/normalize-text.js'
export type { ParsedQuery, FilterGroup, Condition } from './service/query.js'
export { applyFilter } from './service/sql.js'
export type { RowScope } from './service/sql.js'
export { toClientError, DB_CONFLICT } from './errors/db-errors.js'
export { assertValidData, validatorsFor } from './validation/data.js'
export { transaction, validateData, clientSafeErrors } from './app/hooks.js'
export { authenticate, requireAuth } from './auth/setup.js'
export { openApiDocument, describeApp, PAGING, objectSchema, pageOf } from './app/openapi/index.js'
export type {
  ApiDescription,
  DescribedRoute,
  DescribedService,
  OperationDocs,
  ServiceDocs,
} from './app/openapi/index.js'
export {
  definePlugin,
  loadPlugins,
  startPlugins,
  PluginHost,
  PluginDependencyError,
  PluginLoadError,
  pluginHooks,
  PLUGINS_DIR,
} from './plugins/index.js'
export {
  createDemoUsers,
  demoLogins,
  firstUserWithRole,
  type DemoUser,
  type DemoLogin,
} from './plugins/index.js'
export type {
  PluginDefinition,
  PluginContext,
  PluginHook,
  EntityHooks,
  ActionDefinition,
  ActionCallContext,
  CustomService,
  PluginMigration,
  ServiceMethod,
  PluginInfo,
  ActionInfo,
  LoadedPlugin,
} from './plugins/index.js'
export {
  setupAudit,
  auditHooks,
  recordAuditEvent,
  appendAuditEvent,
  auditAdminChange,
  auditedAction,
  verifyAuditChain,
  AuditService,
  rowHash,
  canonicalJson,
  GENESIS_HASH,
  AUDIT_TABLE,
  AUDIT_TRIGGER,
  SECRET,
} from './audit/index.js'
export type {
  AuditEvent,
  AuditVia,
  AuditRecord,
  ChainReport,
  TamperReason,
  AuditState,
} from './audit/index.js'
export {
  KeyRing,
  loadKeyRing,
  parseKeys,
  isEncrypted,
  encryptedFields,
  rotateKeys,
  MASK,
  DEFAULT_REVEAL_ROLES,
} from './crypto/index.js'
export type { RotationReport } from './crypto/index.js'
export {
  setupPermissions,
  authorizeHooks,
  PermissionEngine,
  userFact,
  validateRule,
  permissionRuleSchema,
  compileCondition,
  matchesRow,
  parseRow,
  resolveRow,
  toScope,
  permissionPublisher,
  actionGuard,
  guardServices,
  RulesService,
  ExplainService,
  DEFAULT_RULES_DIR,
  readRuleFiles,
} from './permissions/index.js'
export type {
  PermissionRule,
  ConditionNode,
  StoredRule,
  UserFact,
  Facts,
  Decision,
  Grant,
} from './permissions/index.js'
export { readAccess, type ReadAccess } from './permissions/index.js'
export {
  setupAutomation,
  automationOf,
  seedDefaultAlertRules,
  automationHook,
  AutomationEngine,
  validateAutomationRule,
  actionParams,
  render,
  fill,
  visibleTo,
  contextFor,
  lastSlot,
  ACTION_JOB,
  ALERT_RULES_PATH,
  FIRINGS_PATH,
  DEAD_LETTERS_PATH,
  FIRINGS_TABLE,
} from './automation/index.js'
export type {
  ActionExecutor,
  ActionRun,
  ActionSpec,
  ActionValidationContext,
  FactDefinition,
  FactContext,
  AutomationRule,
  TriggerEvent,
  StoredAutomationRule,
  DryRunResult,
  RuleKind,
} from './automation/index.js'
export { JobQueue, Maintenance, PermanentJobError, JOBS_TABLE } from './jobs/index.js'
// the settings each layer declares on PlumeSettings (module augmentations; types only)
export type {} from './app/settings.js'
export type {} from './audit/settings.js'
export type {} from './automation/settings.js'
export type {} from './auth/settings.js'
export type {} from './jobs/settings.js'
export type {} from './permissions/settings.js'
export type {} from './plugins/settings.js'
export { installPatches, patchState, type PatchReport, type PatchState } from './db/patches.js'
export {
  setupOps,
  opsSettingsFromEnv,
  SystemSampler,
  shareServiceEvents,
  listenApp,
  CONTENT_SECURITY_POLICY,
  type OpsSettings,
  type SystemSample,
  type Metrics,
} from './ops/index.js'
