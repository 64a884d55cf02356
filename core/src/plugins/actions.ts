/** Record actions: `POST /api/<plural>/:id/<action>` in one transaction. */
import { BadRequest, NotFound } from '@feathersjs/errors'
import type { Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { EntityDefinition, LocalizedText } from '@plume/metadata'
import { requireAuth } from '../auth/setup.js'
import { toClientError } from '../errors/db-errors.js'
import { clientSafeErrors } from '../app/hooks.js'
import { auditedAction } from '../audit/index.js'
import type { AroundHook, PlumeApp } from '../kernel/types.js'
import type { ActionDefinition } from './types.js'
import { withCommitEvents } from '../app/commit-events.js'
import { watchRecord, type RecordWatch } from './action-events.js'
import { prepared } from '../db/prepared.js'
import { dataAjv, formatAjvErrors } from '../validation/ajv.js'

/** What `app.get('actions')` lists per entity, for the admin UI. */
export interface ActionInfo {
  name: string
  plugin: string
  permission: string
  label?: LocalizedText
  /** `api/<plural>/:id/<action>` */
  path: string
  /** JSON Schema of the body (see `ActionDefinition.input`). */
  input?: Record<string, unknown>
  /** Record states the action applies to. */
  states?: readonly string[]
}

const ID = /^\d{1,10}$/
const INT4_MAX = 2147483647

/** `api/orders/:id/submit` */
export const actionPath = (entity: EntityDefinition, action: string) => `api/${entity.plural}/:id/${action}`

export const actionInfo = (plugin: string, entity: EntityDefinition, name: string, def: ActionDefinition): ActionInfo => ({
  name,
  plugin,
  permission: def.permission ?? `${entity.plural}:${name}`,
  ...(def.label ? { label: def.label } : {}),
  path: actionPath(entity, name),
  ...(def.input ? { input: def.input } : {}),
  ...(def.states ? { states: def.states } : {}),
})

function recordId(params: Params): number {
  const raw = (params.route as Record<string, unknown> | undefined)?.id
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw : ''
  const id = Number(text)
  if (!ID.test(text) || id < 1 || id > INT4_MAX) {
    throw new BadRequest(`Invalid id "${text.slice(0, 40)}": must be a positive integer`, { errors: [{ path: '/id', message: 'must be a positive integer' }] })
  }
  return id
}

/** Work to run once an action's transaction has committed (see `ActionParams.afterCommit`). */
export type AfterCommit = () => Promise<void> | void

/**
 * What an action handler finds in `params` besides the request's own: the transaction, the
 * action, the record as locked (`FOR UPDATE`, read in the lock's own statement, so a handler
 * need not read it again) and `afterCommit(fn)`: `fn` runs after the commit, before the answer
 * is sent, holding no lock — for derived data that may lag the change (scores, caches); a
 * failure there is logged, never undoes the committed action.
 */
export interface ActionParams {
  transaction: Knex.Transaction
  action: ActionInfo
  actionRecord: Record<string, unknown> & { id: number }
  afterCommit(fn: AfterCommit): void
  /** What the action's `prefetch` answered (its promise; rejected if the prefetch failed). */
  actionPrefetch?: Promise<unknown>
}

/** The promise as is, with a handler attached: a failure is seen by whoever awaits it, never unhandled. */
function settled<T>(value: Promise<T> | T): Promise<T> {
  const p = Promise.resolve(value)
  p.catch(() => undefined)
  return p
}

/**
 * The service behind one action: locks the record (`FOR UPDATE`, 404 when missing), runs the
 * handler in one transaction, commits, emits the service events of the writes it made and
 * `patched` for its record if it changed (see `watchRecord`), runs the handler's after-commit
 * work, and rolls everything back (no events) when anything throws before the commit.
 */
export function actionService(app: PlumeApp, entity: EntityDefinition, info: ActionInfo, def: ActionDefinition) {
  // compiled at mount: a plugin with an invalid input schema fails to enable instead of serving unchecked
  const checkInput = def.input ? dataAjv.compile(def.input) : undefined
  return {
    async create(data: unknown, params: Params): Promise<unknown> {
      const id = recordId(params)
      if (data !== undefined && data !== null && (typeof data !== 'object' || Array.isArray(data))) {
        throw new BadRequest('The action body must be a JSON object', { errors: [{ path: '', message: 'must be an object' }] })
      }
      if (checkInput && !checkInput(data ?? {})) {
        const errors = formatAjvErrors(checkInput.errors)
        throw new BadRequest(`Invalid data: ${errors[0]?.path.slice(1) || 'body'} ${errors[0]?.message ?? 'is invalid'}`, { errors })
      }
      const later: AfterCommit[] = []
      let watch: RecordWatch | undefined
      const result = await withCommitEvents(app.get('db').knex, async (trx) => {
        const locking = prepared<Record<string, unknown> & { id: number }>(trx, trx(entity.table).where('id', id).forUpdate().first(), `lock_${entity.table}`)
        watch = watchRecord(app, entity, trx, id)
        // the handler's reads travel right behind the lock (pipelined): one round trip for both
        const prefetch = def.prefetch ? settled(def.prefetch(id, { app, trx, params: params as Record<string, unknown> })) : undefined
        const [found] = await locking
        if (!found) throw new NotFound(`No ${entity.name} with id ${id}`)
        const input = (data ?? {}) as Record<string, unknown>
        const own: ActionParams = { transaction: trx, action: info, actionRecord: found, afterCommit: (fn) => void later.push(fn), ...(prefetch ? { actionPrefetch: prefetch } : {}) }
        // the action and the writes it makes are audited in its transaction, just before the commit
        const out = await auditedAction(app, { trx, entity, action: info.name, recordId: id, data: input, params }, () => def.handler(id, input, { app, trx, params: { ...params, ...own } }))
        await watch.reread()
        return out
      }).catch((err: unknown) => {
        throw toClientError(err)
      })
      // open screens learn about the change first (after the commit, filtered per recipient)
      await watch?.emit(params).catch((err: unknown) => app.get('logger').error({ err: (err as Error).message, action: info.path, id }, 'action: realtime event failed'))
      for (const fn of later) {
        try {
          await fn()
        } catch (err) {
          app.get('logger').error({ err: (err as Error).message, action: info.path, id }, 'action: after-commit work failed')
        }
      }
      return result ?? { id }
    },
  }
}

/**
 * Hooks around every action and custom service: client-safe errors, authentication for external
 * calls, then `app.get('actionHooks')` (the permission layer's entry point for actions).
 */
export function serviceChain(app: PlumeApp, extra: 'actionHooks' | 'serviceHooks', action?: ActionInfo): AroundHook[] {
  const configured = app.get(extra) ?? []
  const tag: AroundHook = async (context, next) => {
    // the permission layer reads which action (and permission) is being called
    if (action) (context.params as { action?: ActionInfo }).action = action
    return next()
  }
  return [clientSafeErrors(), requireAuth(), tag, ...configured]
}
