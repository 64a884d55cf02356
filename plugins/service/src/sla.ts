import type { Knex } from 'knex'
import type { PlumeApp } from '@plume/core'
import { at } from './context.js'

export interface SlaPolicy {
  priority: string
  firstResponseMinutes: number
  resolutionMinutes: number
}

/** The active SLA policy of a priority, if any. */
export async function policyFor(
  db: Knex | Knex.Transaction,
  priority: string,
): Promise<SlaPolicy | undefined> {
  return (await db('sla_policies')
    .select('priority', 'firstResponseMinutes', 'resolutionMinutes')
    .where({ priority, active: true })
    .first()) as SlaPolicy | undefined
}

const plus = (t: Date, minutes: number) => new Date(t.getTime() + minutes * 60_000).toISOString()

/**
 * Due times from the moment the ticket was opened; null without a policy.
 * @example dueTimes(new Date('2026-11-25T08:00:00Z'), { priority: 'high', firstResponseMinutes: 60, resolutionMinutes: 480 })
 */
export function dueTimes(
  openedAt: Date,
  policy: SlaPolicy | undefined,
): { firstResponseDueAt: string | null; resolutionDueAt: string | null } {
  if (!policy) return { firstResponseDueAt: null, resolutionDueAt: null }
  return {
    firstResponseDueAt: plus(openedAt, policy.firstResponseMinutes),
    resolutionDueAt: plus(openedAt, policy.resolutionMinutes),
  }
}

/** The SLA side of a ticket. */
export interface SlaState {
  firstResponseDueAt: unknown
  resolutionDueAt: unknown
  firstRespondedAt: unknown
  resolvedAt: unknown
  firstResponseBreached: boolean
  resolutionBreached: boolean
  slaBreachedAt: unknown
}

export interface BreachFields {
  firstResponseBreached?: true
  resolutionBreached?: true
  slaBreached?: true
  slaBreachedAt?: string
}

/**
 * What to record when `now` shows a missed target: the first response came (or is still missing)
 * after its due time, or the resolution did. Targets already recorded are not recorded again;
 * `slaBreachedAt` keeps the moment the first breach was found.
 * @example breachesAt({ ...ticket, firstRespondedAt: now }, now) // { firstResponseBreached: true, slaBreached: true, slaBreachedAt: '…' }
 */
export function breachesAt(t: SlaState, now: Date): BreachFields {
  const late = (due: unknown, done: unknown) => {
    const d = at(due)
    return !!d && (at(done) ?? now).getTime() > d.getTime()
  }
  const out: BreachFields = {}
  if (!t.firstResponseBreached && late(t.firstResponseDueAt, t.firstRespondedAt))
    out.firstResponseBreached = true
  if (!t.resolutionBreached && late(t.resolutionDueAt, t.resolvedAt)) out.resolutionBreached = true
  if (out.firstResponseBreached || out.resolutionBreached) {
    out.slaBreached = true
    out.slaBreachedAt = at(t.slaBreachedAt)?.toISOString() ?? now.toISOString()
  }
  return out
}

export interface SlaCheckResult {
  checkedAt: string
  /** Tickets whose first response was found late by this check. */
  firstResponse: Array<{ id: number; number: string }>
  /** Tickets whose resolution was found late by this check. */
  resolution: Array<{ id: number; number: string }>
}

/**
 * Records the breaches of open tickets as of `now` (two set-based UPDATEs in one transaction, so
 * it is cheap to run every minute and safe to run on several instances): the first response is
 * late when none came and its due time passed, the resolution when the ticket is not resolved
 * past its due time. Returns the tickets newly found late. Meant for the scheduler.
 * @example const { firstResponse, resolution } = await checkSlaBreaches(app, new Date())
 */
export async function checkSlaBreaches(app: PlumeApp, now: Date = new Date()): Promise<SlaCheckResult> {
  const when = now.toISOString()
  const open = `status not in ('resolved', 'closed')`
  const stamp = `"slaBreached" = true, "slaBreachedAt" = coalesce("slaBreachedAt", ?::timestamptz), version = version + 1, "updatedAt" = now()`
  return app.get('db').knex.transaction(async (trx) => {
    const first = (await trx.raw(
      `update tickets set "firstResponseBreached" = true, ${stamp}
       where ${open} and "firstResponseBreached" = false and "firstRespondedAt" is null and "firstResponseDueAt" < ?::timestamptz
       returning id, number`,
      [when, when],
    )) as { rows: Array<{ id: number; number: string }> }
    const resolution = (await trx.raw(
      `update tickets set "resolutionBreached" = true, ${stamp}
       where ${open} and "resolutionBreached" = false and "resolvedAt" is null and "resolutionDueAt" < ?::timestamptz
       returning id, number`,
      [when, when],
    )) as { rows: Array<{ id: number; number: string }> }
    const byId = (a: { id: number }, b: { id: number }) => a.id - b.id
    return { checkedAt: when, firstResponse: first.rows.sort(byId), resolution: resolution.rows.sort(byId) }
  })
}
