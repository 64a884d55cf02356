import type { Knex } from 'knex'
import type { EntityDefinition } from '@plume/metadata'
import type { Logger } from 'pino'
import type { Database } from './database.js'
import type { AroundHook } from './hooks.js'

/**
 * Everything stored on the app, by name, with its type. The kernel declares the settings the
 * assembly sets; each layer above declares the ones it owns next to its code, by augmenting
 * this interface, so the kernel never imports them:
 *
 * ```ts
 * declare module '../kernel/settings.js' {
 *   interface PlumeSettings { jobs?: JobQueue }
 * }
 * ```
 *
 * There is no index signature: a name nobody declared does not compile.
 */
export interface PlumeSettings {
  db: Database
  entities: Map<string, EntityDefinition>
  logger: Logger
  /** True once migrations ran and the plugins started (`/ready`). */
  ready: boolean
  version: string
  paginate: { default: number; max: number }
  /** Feathers' authentication configuration; `secret` signs tokens and seals events shared between instances. */
  authentication: { secret?: string } & Record<string, unknown>
  /** From the environment (`PLUME_ENCRYPTION_KEYS`); tests may set it. */
  encryptionKeys?: string
  /** Roles that see encrypted fields in clear (`PLUME_REVEAL_ROLES`). */
  revealRoles?: string[]
  /** Roles that may read the audit trail. */
  auditRoles?: string[]
  /** SMTP transport for e-mail actions (`PLUME_SMTP_URL`). */
  smtpUrl?: string
  /** Folder of permission rule files. */
  permissionRulesDir?: string
  /** Hooks run around every action (the permission layer installs its guard here). */
  actionHooks?: AroundHook[]
  /** Hooks run around every custom service. */
  serviceHooks?: AroundHook[]
  /**
   * Mounts the generic service of an entity with the hooks every entity gets; installed by the
   * assembly (createApp), used by the plugin host for the entities a plugin ships.
   */
  mountEntity?: (entity: EntityDefinition) => void
}

/**
 * Anything holding settings: a `PlumeApp`, or the loosely typed `context.app` of a hook (Feathers'
 * `Application<any, any>`, whose `get` fits this signature).
 */
interface SettingsHolder {
  get<K extends keyof PlumeSettings>(name: K): PlumeSettings[K]
}

/**
 * The typed accessor: reads one setting with the type `PlumeSettings` gives it. Use it where the
 * app is not typed as `PlumeApp` (hook contexts); on a `PlumeApp`, `app.get(name)` is typed too.
 * @example const { knex } = setting(context.app, 'db')
 */
export function setting<K extends keyof PlumeSettings>(app: SettingsHolder, name: K): PlumeSettings[K] {
  return app.get(name)
}

/** The settings that come from the environment; the one place that reads it for the app. */
export type EnvSettings = Pick<PlumeSettings, 'encryptionKeys' | 'revealRoles' | 'smtpUrl'> & {
  logLevel: string
  trustProxy: boolean
}

const list = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)

/**
 * Reads the app's settings from the environment (README, "Configuration").
 * @example settingsFromEnv({ PLUME_REVEAL_ROLES: 'admin,finance' }).revealRoles // ['admin', 'finance']
 */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): EnvSettings {
  const reveal = list(env.PLUME_REVEAL_ROLES)
  return {
    logLevel: env.LOG_LEVEL ?? 'info',
    trustProxy: env.PLUME_TRUST_PROXY === '1',
    ...(env.PLUME_ENCRYPTION_KEYS ? { encryptionKeys: env.PLUME_ENCRYPTION_KEYS } : {}),
    ...(reveal.length ? { revealRoles: reveal } : {}),
    ...(env.PLUME_SMTP_URL ? { smtpUrl: env.PLUME_SMTP_URL } : {}),
  }
}

/**
 * The database a hook works on: the transaction of the write it runs in, else the app's Knex.
 * @example const row = await knexOf(context)('products').where({ id }).first()
 */
export function knexOf(context: { app: SettingsHolder; params: object }): Knex | Knex.Transaction {
  return (context.params as { transaction?: Knex.Transaction }).transaction ?? setting(context.app, 'db').knex
}
