import type { HookContext, NextFunction } from '@feathersjs/feathers'
import type { Application as FeathersKoaApp } from '@feathersjs/koa'
import type { EntityDefinition } from '@plume/metadata'
import type { Logger } from 'pino'
import type { Database } from '../db/connect.js'

/** Settings stored on the app (`app.get(name)`). */
export interface PlumeSettings {
  db: Database
  entities: Map<string, EntityDefinition>
  logger: Logger
  ready: boolean
  paginate: { default: number; max: number }
  authentication: Record<string, unknown>
  [key: string]: unknown
}

// Services are registered at run time from metadata, so the service map is open.
export type PlumeApp = FeathersKoaApp<Record<string, any>, PlumeSettings> // eslint-disable-line @typescript-eslint/no-explicit-any

/** An around hook as Plume writes them: small factories returning `(context, next) => …`. */
export type AroundHook = (context: HookContext, next: NextFunction) => Promise<unknown>
