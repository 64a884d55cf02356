import { FeathersError } from '@feathersjs/errors'
import type { PlumeApp } from '../kernel/types.js'
import { PermanentJobError, type JobContext, type JobRow } from '../jobs/index.js'
import { assertValidData } from '../validation/data.js'
import type { FieldError } from '../validation/ajv.js'
import type { AutomationEngine } from './engine.js'
import { FIRINGS_TABLE } from './store.js'
import { fill } from './template.js'
import type { ActionExecutor, ActionRun, ActionSpec, ActionValidationContext, RuleKind } from './types.js'

const plain = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v)

function entityOf(spec: ActionSpec, ctx: { rule: ActionValidationContext['rule'] }): string | undefined {
  if (typeof spec.entity === 'string') return spec.entity
  return ctx.rule.trigger.type === 'event' ? ctx.rule.trigger.entity : undefined
}

function fieldErrors(app: PlumeApp, entityName: string | undefined, data: unknown, at: string): FieldError[] {
  if (!entityName)
    return [{ path: '/entity', message: 'is required (schedule rules have no triggering record)' }]
  const entity = app.get('entities').get(entityName)
  if (!entity) return [{ path: '/entity', message: `unknown entity "${entityName}"` }]
  if (!plain(data) || Object.keys(data).length === 0)
    return [{ path: at, message: 'must be an object with at least one field' }]
  return Object.keys(data)
    .filter((k) => !entity.fields[k] || entity.fields[k]!.serverManaged)
    .map((k) => ({ path: `${at}/${k}`, message: `unknown or server-managed field "${k}" of ${entity.name}` }))
}

/** Service params of a write made by an action: internal (trusted) and carrying the loop depth. */
export const actionParams = (run: ActionRun) => ({ automation: { depth: run.depth, chain: run.chain } })

/** A Feathers 4xx from a write will fail the same way on every retry. */
const permanent = (err: unknown): never => {
  if (err instanceof FeathersError && err.code >= 400 && err.code < 500)
    throw new PermanentJobError(`${err.name}: ${err.message}`)
  throw err
}

/** `update`: patches fields of a record (default: the triggering record). */
export const updateAction: ActionExecutor = {
  type: 'update',
  kinds: ['automation'],
  validate: (spec, ctx) => fieldErrors(ctx.app, entityOf(spec, ctx), spec.set, '/set'),
  async preview(spec, run) {
    const entity = (spec.entity as string | undefined) ?? run.entities.record
    return { entity, id: fill(spec.id ?? '{{record.id}}', run.context), set: fill(spec.set, run.context) }
  },
  async execute(spec, run) {
    const p = (await this.preview(spec, run)) as { entity: string; id: unknown; set: Record<string, unknown> }
    const entity = run.app.get('entities').get(p.entity)
    if (!entity) throw new PermanentJobError(`unknown entity ${p.entity}`)
    try {
      assertValidData(entity, 'patch', p.set)
      const row = (await run.app
        .service(`api/${entity.plural}`)
        .patch(p.id as number, p.set, actionParams(run))) as { id?: unknown }
      return { entity: p.entity, id: row?.id ?? p.id }
    } catch (err) {
      return permanent(err)
    }
  },
}

/** `create`: creates a record (e.g. opens a service ticket). */
export const createAction: ActionExecutor = {
  type: 'create',
  kinds: ['automation'],
  validate: (spec, ctx) =>
    typeof spec.entity === 'string'
      ? fieldErrors(ctx.app, spec.entity, spec.data, '/data')
      : [{ path: '/entity', message: 'is required' }],
  async preview(spec, run) {
    return { entity: spec.entity, data: fill(spec.data, run.context) }
  },
  async execute(spec, run) {
    const entity = run.app.get('entities').get(spec.entity as string)
    if (!entity) throw new PermanentJobError(`unknown entity ${String(spec.entity)}`)
    const data = fill(spec.data, run.context) as Record<string, unknown>
    try {
      assertValidData(entity, 'create', data)
      const row = (await run.app.service(`api/${entity.plural}`).create(data, actionParams(run))) as {
        id?: unknown
      }
      return { entity: entity.name, id: row?.id }
    } catch (err) {
      return permanent(err)
    }
  },
}

/** `hold`: blocks the write or transition (before-rules only; evaluated synchronously, never queued). */
export const holdAction: ActionExecutor = {
  type: 'hold',
  kinds: ['automation'],
  validate: (spec) => {
    const errs: FieldError[] = []
    if (typeof spec.message !== 'string' || spec.message.length === 0 || spec.message.length > 500)
      errs.push({ path: '/message', message: 'must be a text of 1 to 500 characters' })
    if (spec.status !== undefined && spec.status !== 409 && spec.status !== 422)
      errs.push({ path: '/status', message: 'must be 409 or 422' })
    return errs
  },
  async preview(spec, run) {
    return { held: true, status: spec.status ?? 409, message: fill(spec.message, run.context, 'plain') }
  },
  async execute() {
    return { held: true }
  },
}

/** The job handler of `automation.action`: one action of one firing. */
export function actionJob(app: PlumeApp, engine: () => AutomationEngine) {
  return async (payload: Record<string, unknown>, job: JobContext): Promise<unknown> => {
    const spec = payload.action as ActionSpec
    const exec = engine().registry.executors.get(spec?.type)
    if (!exec) throw new PermanentJobError(`no executor for action "${String(spec?.type)}"`)
    const run: ActionRun = {
      app,
      db: app.get('db').knex,
      firingId: Number(payload.firingId),
      rule: {
        id: Number(payload.ruleId),
        name: String(payload.ruleName),
        version: Number(payload.ruleVersion),
        kind: payload.ruleKind as RuleKind,
      },
      context: (payload.context ?? {}) as Record<string, unknown>,
      entities: (payload.entities ?? {}) as Record<string, string>,
      depth: Number(payload.depth ?? 1),
      chain: (payload.chain ?? []) as string[],
      // the firing's time: a retried action renders and signs the same content
      now: typeof payload.now === 'string' ? new Date(payload.now) : job.now,
      dryRun: false,
      attempt: job.attempt,
    }
    return exec.execute(spec, run)
  }
}

/** `{en, 'zh-CN'}` of an outcome that reached nobody (`notify`/`email` answer `noRecipients`). */
function nobodyOf(result: unknown): { en: string; 'zh-CN': string } | undefined {
  const n = plain(result) ? result.noRecipients : undefined
  return plain(n) && typeof n.en === 'string' && typeof n['zh-CN'] === 'string'
    ? { en: n.en, 'zh-CN': n['zh-CN'] }
    : undefined
}

/**
 * Writes a job's outcome into its firing (`actions[index]`). An action that reached nobody says
 * so: its entry gets `reason: {en, 'zh-CN'}` and the firing's `message` the English text.
 */
export async function recordOutcome(
  app: PlumeApp,
  event: { job: JobRow; outcome: 'done' | 'retry' | 'dead'; error?: string; result?: unknown },
): Promise<void> {
  const { job } = event
  const firingId = Number(job.payload.firingId)
  const index = Number(job.payload.index)
  if (!Number.isInteger(firingId) || !Number.isInteger(index)) return
  await app.get('db').knex.transaction(async (trx) => {
    const row = (await trx(FIRINGS_TABLE).where({ id: firingId }).forUpdate().first('actions', 'message')) as
      { actions: unknown; message: string | null } | undefined
    if (!row) return
    const actions = (typeof row.actions === 'string' ? JSON.parse(row.actions) : row.actions) as Array<
      Record<string, unknown>
    >
    const status = event.outcome === 'retry' ? 'retrying' : event.outcome
    actions[index] = {
      ...(actions[index] ?? {}),
      type: (job.payload.action as ActionSpec | undefined)?.type,
      jobId: job.id,
      status,
      attempts: job.attempts,
      ...(event.error ? { error: event.error } : { error: undefined }),
      ...(event.result !== undefined ? { outcome: event.result } : {}),
    }
    const nobody = event.outcome === 'done' ? nobodyOf(event.result) : undefined
    if (nobody) actions[index]!.reason = nobody
    const message =
      nobody && !(row.message ?? '').includes(nobody.en)
        ? [row.message, nobody.en].filter(Boolean).join('; ')
        : row.message
    await trx(FIRINGS_TABLE)
      .where({ id: firingId })
      .update({ actions: JSON.stringify(actions), message })
  })
}

export const CORE_ACTIONS: readonly ActionExecutor[] = [updateAction, createAction, holdAction]
