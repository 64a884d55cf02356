export { migrate, MIGRATION_LOCK_KEY } from './migrate.js'
export { schemaStatus } from './status.js'
export { planMigration } from './plan.js'
export type { MigrationPlan, EntityPlan } from './plan.js'
export { DestructiveChangeError } from './errors.js'
export { definitionHash } from './hash.js'
export { VERSIONS_TABLE } from './versions.js'
export { parseColumnType, compareColumnTypes } from './column-types.js'
export type { ColumnType, TypeChange } from './column-types.js'
export type {
  MigrateOptions,
  MigrationResult,
  DestructiveChange,
  DestructiveKind,
  SchemaStatus,
} from './types.js'
