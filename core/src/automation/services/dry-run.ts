import { BadRequest } from '@feathersjs/errors'
import type { Params } from '@feathersjs/feathers'
import type { PlumeApp } from '../../kernel/types.js'
import { callerOf, engineOf, forbid } from '../../permissions/hooks.js'
import type { AutomationEngine, DryRunResult } from '../engine.js'
import type { AlertRulesService } from './alert-rules.js'
import { parseId } from './alert-rules.js'
import { dryRunLastEvents, parseLastEvents, type DryRunEventsResult } from './dry-run-events.js'

export const DRY_RUN_PATH = 'api/alert-rules/:id/dry-run'

const plain = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v)

/**
 * `POST /api/alert-rules/:id/dry-run {record?, previous?, data?, at?, action?}`: which conditions match
 * and what each action would do, in a transaction that is rolled back. `action`: the transition to
 * evaluate a rule listening to every transition of its entity as (default: the rule's own).
 * `{lastEvents: N}` (alone) replays the rule on the N most recent matching changes in the audit trail
 * (`dry-run-events.ts`). Needs `dryRun` on the `alertRules` resource (admins have it).
 */
export function dryRunService(app: PlumeApp, rules: AlertRulesService, engine: () => AutomationEngine) {
  return {
    async create(
      data: unknown,
      params: Params & { route?: Record<string, unknown>; provider?: string },
    ): Promise<DryRunResult | DryRunEventsResult> {
      if (params.provider) {
        const user = callerOf(params as { user?: unknown }, 'dryRun', 'alertRules')
        const d = engineOf(app).decide('alertRules', 'dryRun', user)
        if (!d.allowed) throw forbid(d, 'dryRun', 'alertRules')
      }
      const stored = await rules.get(parseId((params.route?.id as string | undefined) ?? null))
      const body = (data ?? {}) as Record<string, unknown>
      if (!plain(body))
        throw new BadRequest('The body must be an object', {
          errors: [{ path: '', message: 'must be an object' }],
        })
      const errors: Array<{ path: string; message: string }> = []
      if ('lastEvents' in body) {
        for (const k of Object.keys(body))
          if (k !== 'lastEvents') errors.push({ path: `/${k}`, message: 'is not allowed with lastEvents' })
        if (errors.length)
          throw new BadRequest(`Invalid dry run: ${errors[0]!.path} ${errors[0]!.message}`, { errors })
        const n = parseLastEvents(body.lastEvents)
        return dryRunLastEvents(
          app,
          app.get('db').knex,
          engine(),
          stored,
          n,
          params as Record<string, unknown>,
        )
      }
      for (const k of Object.keys(body))
        if (!['record', 'previous', 'data', 'at', 'action'].includes(k))
          errors.push({
            path: `/${k}`,
            message: 'is not allowed (record, previous, data, at, action, lastEvents)',
          })
      if (
        body.action !== undefined &&
        (typeof body.action !== 'string' || !/^[a-z][A-Za-z0-9_-]{0,62}$/.test(body.action))
      )
        errors.push({ path: '/action', message: 'must be the name of a transition (submit, ship …)' })
      for (const k of ['record', 'previous', 'data'])
        if (body[k] !== undefined && !plain(body[k]))
          errors.push({ path: `/${k}`, message: 'must be an object' })
      let at: Date | undefined
      if (body.at !== undefined) {
        at = new Date(String(body.at))
        if (typeof body.at !== 'string' || Number.isNaN(at.getTime()))
          errors.push({ path: '/at', message: 'must be an ISO-8601 date-time' })
      }
      if (errors.length)
        throw new BadRequest(`Invalid dry run: ${errors[0]!.path} ${errors[0]!.message}`, { errors })
      return engine().dryRun(stored, {
        ...(plain(body.record) ? { record: body.record } : {}),
        ...(plain(body.previous) ? { previous: body.previous } : {}),
        ...(plain(body.data) ? { data: body.data } : {}),
        ...(at ? { at } : {}),
        ...(typeof body.action === 'string' ? { action: body.action } : {}),
        params: params as Record<string, unknown>,
      })
    },
  }
}
