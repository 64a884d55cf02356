import type { Application as FeathersKoaApp } from '@feathersjs/koa'
import type { PlumeSettings } from './settings.js'

export type { PlumeSettings } from './settings.js'
export type { AroundHook } from './hooks.js'
export type { Database, DatabaseKind } from './database.js'

// Services are registered at run time from metadata, so the service map is open.
export type PlumeApp = FeathersKoaApp<Record<string, any>, PlumeSettings> // eslint-disable-line @typescript-eslint/no-explicit-any
