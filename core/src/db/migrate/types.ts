export interface MigrateOptions {
  /** Apply changes that lose or rewrite data. Defaults to `PLUME_MIGRATE_CONFIRM=1`. */
  confirmDestructive?: boolean
  /** Compute and return the plan; execute nothing. */
  dryRun?: boolean
  log?: (msg: string) => void
}

export interface MigrationResult {
  /** Entities whose table changed or whose definition got a new version, with the SQL run. */
  applied: Array<{ entity: string; statements: string[] }>
  /** Entities already up to date. */
  unchanged: string[]
  warnings: string[]
  /** Tables Plume created for entities that are no longer defined; they are left alone. */
  orphaned: string[]
}

export type DestructiveKind =
  | 'drop-column'
  | 'narrow-type'
  | 'incompatible-type'
  | 'set-not-null'
  | 'check-violation'
  | 'unique-violation'
  | 'fk-violation'

export interface DestructiveChange {
  entity: string
  table: string
  column?: string
  kind: DestructiveKind
  detail: string
}

export interface SchemaStatus {
  upToDate: boolean
  /** Entity names with changes still to apply. */
  pending: string[]
}
