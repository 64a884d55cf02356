/** Record actions: one layer for `POST /api/<plural>/:id/<action>`, socket.io and in-process calls. */
import { BadRequest, NotFound } from '@feathersjs/errors'
import type { Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { EntityDefinition, LocalizedText } from '@plume/metadata'
import { requireAuth } from '../auth/setup.js'
import { toClientError } from '../errors/db-errors.js'
import { clientSafeErrors } from '../app/hooks.js'
import { auditedAction } from '../audit/index.js'
import type { AroundHook, PlumeApp } from '../kernel/types.js'
import type { ActionContext, ActionDefinition, AfterCommit } from './types.js'
import { withCommitEvents } from '../app/commit-events.js'
import { watchRecord } from './action-events.js'
import { prepared } from '../db/prepared.js'
import { onCommitted } from '../db/commit.js'
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
  /** See `ActionDefinition.offered`. */
  offered?: ActionDefinition['offered']
}

const ID = /^\d{1,10}$/
const INT4_MAX = 2147483647

/** `api/orders/:id/submit` */
export const actionPath = (entity: EntityDefinition, action: string) => `api/${entity.plural}/:id/${action}`

export const actionInfo = (
  plugin: string,
  entity: EntityDefinition,
  name: string,
  def: ActionDefinition,
): ActionInfo => ({
  name,
  plugin,
  permission: def.permission ?? `${entity.plural}:${name}`,
  ...(def.label ? { label: def.label } : {}),
  path: actionPath(entity, name),
  ...(def.input ? { input: def.input } : {}),
  ...(def.states ? { states: def.states } : {}),
  ...(def.offered ? { offered: def.offered.bind(def) } : {}),
})

export function recordId(params: Params): number {
  const raw = (params.route as Record<string, unknown> | undefined)?.id
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw : ''
  const id = Number(text)
  if (!ID.test(text) || id < 1 || id > INT4_MAX) {
    throw new BadRequest(`Invalid id "${text.slice(0, 40)}": must be a positive integer`, {
      errors: [{ path: '/id', message: 'must be a positive integer' }],
    })
  }
  return id
}

/**
 * The permission layer's side of the action layer (`app.get('actionGuard')`): decides on the
 * record as locked, in the action's transaction — once.
 */
export interface ActionGuard {
  /** Throws 403 when the user may not run the action, 404 when the record lies outside their rows. */
  authorize(request: GuardRequest): void
  /** The same decision without throwing (allowed actions). */
  allows(request: GuardRequest): boolean
}

export interface GuardRequest {
  entity: EntityDefinition
  action: ActionInfo
  user: unknown
  record: Record<string, unknown>
  data: Record<string, unknown>
}

declare module '../kernel/settings.js' {
  interface PlumeSettings {
    /** Authorizes actions inside their transaction (installed by the permission layer). */
    actionGuard?: ActionGuard
  }
}

/** How an action is called besides its body: Feathers params and, in-process, a transaction. */
export interface ActionCall {
  /** Feathers params: `provider`/`user` of the caller (REST, socket.io), or none in-process. */
  params?: Params & { user?: unknown }
  /** Run inside this transaction (opened by the caller or by another action) instead of a new one. */
  trx?: Knex.Transaction
  /**
   * In-process only: the caller has authorized the step already (an action running another as
   * part of its own work, e.g. rejecting a credit hold cancels the order). Otherwise a call
   * with `params.provider` or `params.user` is authorized as that user.
   */
  trusted?: boolean
}

/** The promise as is, with a handler attached: a failure is seen by whoever awaits it, never unhandled. */
function settled<T>(value: Promise<T> | T): Promise<T> {
  const p = Promise.resolve(value)
  p.catch(() => undefined)
  return p
}

/** Per open transaction: its after-commit work and the records whose change an action announces. */
interface Run {
  later: AfterCommit[]
  watched: Set<string>
}
const runs = new WeakMap<Knex.Transaction, Run>()

/** The run of a transaction opened elsewhere: its work runs once `trx` commits (not awaited). */
function joinRun(app: PlumeApp, trx: Knex.Transaction): Run {
  const known = runs.get(trx)
  if (known) return known
  const run: Run = { later: [], watched: new Set() }
  runs.set(trx, run)
  // after a rollback (of this or an enclosing transaction) there is nothing to do
  onCommitted(trx, () => afterCommitted(app, run.later, 'in-process'))
  return run
}

async function afterCommitted(app: PlumeApp, later: readonly AfterCommit[], path: string): Promise<void> {
  for (const fn of later) {
    try {
      await fn()
    } catch (err) {
      app
        .get('logger')
        .error({ err: (err as Error).message, action: path }, 'action: after-commit work failed')
    }
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v)

/**
 * The service behind one action, and the one way every caller runs it (`run`; REST and
 * socket.io through `create`, in-process through `runAction`): validates the body, locks the
 * record (`FOR UPDATE`, 404 when missing), authorizes the caller on the locked record (once, in
 * the transaction), runs the handler with its typed `ActionContext`, audits, commits, emits
 * `patched` for its record if it changed (see `watchRecord`), runs the after-commit work, and
 * rolls everything back (no events) when anything throws before the commit.
 */
export function actionService(
  app: PlumeApp,
  mounted: EntityDefinition,
  info: ActionInfo,
  def: ActionDefinition,
) {
  // compiled at mount: a plugin with an invalid input schema fails to enable instead of serving unchecked
  const checkInput = def.input ? dataAjv.compile(def.input) : undefined

  async function inTrx(
    trx: Knex.Transaction,
    run: Run,
    id: number,
    input: Record<string, unknown>,
    call: ActionCall,
  ): Promise<unknown> {
    const params = call.params ?? {}
    // the definition in effect now: a customization applied at run time replaces it in `entities`
    const entity = app.get('entities').get(mounted.name) ?? mounted
    const locking = prepared<Record<string, unknown> & { id: number }>(
      trx,
      trx(entity.table).where('id', id).forUpdate().first(),
      `lock_${entity.table}`,
    )
    // an action nested in another's on the same record: the outer one announces the change
    const key = `${entity.plural}/${id}`
    const watch = run.watched.has(key) ? undefined : watchRecord(app, entity, trx, id)
    run.watched.add(key)
    const base = { app, trx, params: params as Record<string, unknown> }
    // the handler's reads travel right behind the lock (pipelined): one round trip for both
    const prefetched = def.prefetch ? settled(def.prefetch(id, base)) : undefined
    const [found] = await locking
    if (!found) throw new NotFound(`No ${entity.name} with id ${id}`)
    const guard = app.get('actionGuard')
    if (guard && !call.trusted && (params.provider || params.user))
      guard.authorize({ entity, action: info, user: params.user, record: found, data: input })
    const context: ActionContext = {
      ...base,
      action: info.name,
      entity,
      record: found,
      afterCommit: (fn) => void run.later.push(fn),
      ...(prefetched ? { prefetched } : {}),
    }
    // the action and the writes it makes are audited in its transaction, just before the commit
    const out = await auditedAction(
      app,
      { trx, entity, action: info.name, recordId: id, data: input, params },
      () => def.handler(id, input, context),
    )
    if (watch) {
      await watch.reread()
      // open screens learn about the change first (after the commit, filtered per recipient)
      run.later.unshift(() =>
        watch
          .emit(params)
          .catch((err: unknown) =>
            app
              .get('logger')
              .error({ err: (err as Error).message, action: info.path, id }, 'action: realtime event failed'),
          ),
      )
    }
    return out ?? { id }
  }

  /** Runs the action on record `id` (see the service's description). */
  async function run(id: number, data: unknown, call: ActionCall = {}): Promise<unknown> {
    if (data !== undefined && data !== null && !isObject(data)) {
      throw new BadRequest('The action body must be a JSON object', {
        errors: [{ path: '', message: 'must be an object' }],
      })
    }
    const input = data ?? {}
    if (checkInput && !checkInput(input)) {
      const errors = formatAjvErrors(checkInput.errors)
      throw new BadRequest(
        `Invalid data: ${errors[0]?.path.slice(1) || 'body'} ${errors[0]?.message ?? 'is invalid'}`,
        { errors },
      )
    }
    if (call.trx) return inTrx(call.trx, joinRun(app, call.trx), id, input, call)
    const own: Run = { later: [], watched: new Set() }
    const result = await withCommitEvents(app.get('db').knex, (trx) => {
      runs.set(trx, own)
      return inTrx(trx, own, id, input, call)
    }).catch((err: unknown) => {
      throw toClientError(err)
    })
    await afterCommitted(app, own.later, info.path)
    return result
  }

  return {
    run,
    create: (data: unknown, params: Params): Promise<unknown> => run(recordId(params), data, { params }),
  }
}

export type ActionService = ReturnType<typeof actionService>

/**
 * Hooks around every action and custom service: client-safe errors, authentication for external
 * calls, then `app.get('actionHooks')` (the permission layer's entry point for actions).
 */
export function serviceChain(
  app: PlumeApp,
  extra: 'actionHooks' | 'serviceHooks',
  action?: ActionInfo,
): AroundHook[] {
  const configured = app.get(extra) ?? []
  const tag: AroundHook = async (context, next) => {
    // the permission layer reads which action (and permission) is being called
    if (action) (context.params as { action?: ActionInfo }).action = action
    return next()
  }
  return [clientSafeErrors(), requireAuth(), tag, ...configured]
}
