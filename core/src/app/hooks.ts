import type { HookContext, NextFunction } from '@feathersjs/feathers'
import type { EntityDefinition } from '@plume/metadata'
import { toClientError } from '../errors/db-errors.js'
import type { EntityParams } from '../service/entity-service.js'
import { assertValidData } from '../validation/data.js'
import type { DataMode } from '../validation/ajv.js'
import { localeOf } from '../validation/messages.js'
import { holdEvent, withCommitEvents } from './commit-events.js'

const WRITES = new Set(['create', 'update', 'patch', 'remove'])

/**
 * Runs every write (and everything its hooks do) in one database transaction: a failed step
 * rolls the whole change back. Nested service calls reuse the transaction passed in params; the
 * service events of the writes made in it are emitted once it has committed (commit-events.ts).
 */
export const transaction = () => async (context: HookContext, next: NextFunction) => {
  const params = context.params as EntityParams
  const db = context.app.get('db')
  if (!WRITES.has(context.method)) return next()
  if (params.transaction) {
    await next()
    // nested in an outer write or action: its event waits for that transaction's commit
    holdEvent(context, params.transaction)
    return
  }
  if (!db) return next()
  try {
    await withCommitEvents(db.knex, async (trx) => {
      params.transaction = trx
      await next()
    })
  } finally {
    delete params.transaction
  }
}

/** Validates data from clients against the entity schema (internal calls are trusted). */
export const validateData =
  (entity: EntityDefinition) => async (context: HookContext, next: NextFunction) => {
    if (
      context.params.provider &&
      (context.method === 'create' || context.method === 'update' || context.method === 'patch')
    ) {
      assertValidData(entity, context.method as DataMode, context.data, localeOf(context.params.headers))
    }
    return next()
  }

/** Any error leaving a service is a Feathers error safe for clients (no SQL, no stack). */
export const clientSafeErrors = () => async (context: HookContext, next: NextFunction) => {
  try {
    await next()
  } catch (err) {
    throw toClientError(err)
  }
}
