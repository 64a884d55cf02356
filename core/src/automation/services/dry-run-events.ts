import { BadRequest } from '@feathersjs/errors'
import type { EntityDefinition } from '@plume/metadata'
import type { Knex } from 'knex'
import { AUDIT_TABLE } from '../../audit/schema.js'
import { SECRET } from '../../audit/mask.js'
import type { PlumeApp } from '../../kernel/types.js'
import type { AutomationEngine, DryRunResult } from '../engine.js'
import type { StoredAutomationRule } from '../types.js'

/** The bounds of `lastEvents`. */
export const MAX_LAST_EVENTS = 50

type Row = Record<string, unknown>
interface AuditRow {
  id: number | string
  at: Date | string
  action: string
  record_id: string | null
  request_id: string | null
  changes: unknown
}

/** One replayed event: when, which record, and the single-record dry run's verdict on it. */
export interface DryRunEvent {
  auditId: number
  at: string
  action: string
  recordId: string | null
  /** True when the rule would have fired; false when it would not or could not be evaluated. */
  wouldFire: boolean
  /** Set when a condition reads a value the audit trail masks: the outcome is not guessed. */
  undetermined?: true
  evaluations: DryRunResult['evaluations']
  actions: DryRunResult['actions']
  error?: string
}

export interface DryRunEventsResult {
  rule: DryRunResult['rule']
  trigger: unknown
  lastEvents: number
  events: DryRunEvent[]
  changed: false
}

const WRITES = ['create', 'update', 'patch', 'remove']
const AUDIT_ACTION: Record<string, string[]> = {
  created: ['create'],
  patched: ['patch'],
  updated: ['update'],
  removed: ['remove'],
}

/** `lastEvents` must be an integer 1 … 50. */
export function parseLastEvents(v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_LAST_EVENTS)
    throw new BadRequest(`Invalid dry run: /lastEvents must be an integer from 1 to ${MAX_LAST_EVENTS}`, {
      errors: [{ path: '/lastEvents', message: `must be an integer from 1 to ${MAX_LAST_EVENTS}` }],
    })
  return v
}

const changesOf = (c: unknown): Record<string, { before?: unknown; after?: unknown }> => {
  const v = typeof c === 'string' ? (JSON.parse(c) as unknown) : c
  return v && typeof v === 'object' ? (v as Record<string, { before?: unknown; after?: unknown }>) : {}
}

const isMasked = (v: unknown) => typeof v === 'string' && (v === SECRET || v.startsWith(`${SECRET}:`))

/** The current row as the audit shows it: sensitive and write-only values masked. */
function maskRow(entity: EntityDefinition, row: Row): Row {
  const out: Row = { ...row }
  for (const [name, f] of Object.entries(entity.fields))
    if ((f.sensitive || f.writeOnly) && out[name] !== null && out[name] !== undefined) out[name] = SECRET
  return out
}

interface States {
  before: Map<number, Row | undefined>
  after: Map<number, Row | undefined>
}

/** Walks a record's writes newest first from its current row: the state before and after each. */
function replay(id: string, current: Row | undefined, writes: AuditRow[]): States {
  const s: States = { before: new Map(), after: new Map() }
  let cur: Row | undefined = current
  for (const w of writes) {
    const ch = changesOf(w.changes)
    s.after.set(Number(w.id), w.action === 'remove' ? undefined : cur)
    if (w.action === 'create') cur = undefined
    else {
      const prev: Row =
        w.action === 'remove' ? { id: Number.isNaN(Number(id)) ? id : Number(id) } : { ...cur }
      for (const [k, c] of Object.entries(ch)) if ('before' in c) prev[k] = c.before
      cur = prev
    }
    s.before.set(Number(w.id), cur)
  }
  return s
}

/** Record and previous state of one matching audit row (a transition: its request's writes). */
function stateOf(e: AuditRow, writes: AuditRow[], s: States): { record?: Row; previous?: Row } {
  const id = Number(e.id)
  if (WRITES.includes(e.action)) {
    if (e.action === 'remove') return { record: s.before.get(id) ?? {} }
    return { record: s.after.get(id) ?? {}, ...(e.action === 'create' ? {} : { previous: s.before.get(id) }) }
  }
  const mine = writes.filter((w) => e.request_id && w.request_id === e.request_id) // newest first
  if (mine.length)
    return { record: s.after.get(Number(mine[0]!.id)), previous: s.before.get(Number(mine.at(-1)!.id)) }
  const later = writes.filter((w) => Number(w.id) > id)
  const at = later.length ? s.before.get(Number(later.at(-1)!.id)) : undefined
  const earlier = writes.find((w) => Number(w.id) < id)
  const state = later.length ? at : earlier ? s.after.get(Number(earlier.id)) : undefined
  return { record: state ?? {}, previous: state ?? {} }
}

/**
 * `POST /api/alert-rules/:id/dry-run {lastEvents: N}`: the rule replayed on the N most recent
 * changes of its entity that match its trigger, read from the audit trail (record = the state
 * after, previous = the state before, rebuilt from the current row and the recorded changes),
 * each evaluated by the single-record dry run, newest first. Nothing changes. Values the audit
 * masks stay masked; a condition reading one is reported as not evaluable.
 * @example await dryRunLastEvents(app, knex, engine, stored, 10, params)
 */
export async function dryRunLastEvents(
  app: PlumeApp,
  knex: Knex,
  engine: AutomationEngine,
  stored: StoredAutomationRule,
  n: number,
  params: Record<string, unknown>,
): Promise<DryRunEventsResult> {
  const t = stored.definition.trigger
  if (t.type !== 'event')
    throw new BadRequest(
      'Invalid dry run: /lastEvents replays entity events; a schedule rule has none (dry-run it with `at`)',
      { errors: [{ path: '/lastEvents', message: 'is only for rules triggered by an entity event' }] },
    )
  const entity = app.get('entities').get(t.entity) as EntityDefinition | undefined
  const result: DryRunEventsResult = {
    rule: { id: stored.id, name: stored.name, kind: stored.kind, version: stored.version },
    trigger: t,
    lastEvents: n,
    events: [],
    changed: false,
  }
  if (!entity) return result
  const q = knex(AUDIT_TABLE).where({ entity: t.entity }).whereNotNull('record_id')
  if (t.on === 'transition') {
    if (t.action) q.where({ action: t.action })
    else q.whereNotIn('action', WRITES)
  } else q.whereIn('action', AUDIT_ACTION[t.on] ?? [])
  const matches = (await q
    .orderBy('id', 'desc')
    .limit(n)
    .select('id', 'at', 'action', 'record_id', 'request_id', 'changes')) as AuditRow[]
  const states = new Map<string, { writes: AuditRow[]; s: States }>()
  for (const rid of new Set(matches.map((m) => m.record_id!))) {
    const writes = (await knex(AUDIT_TABLE)
      .where({ entity: t.entity, record_id: rid })
      .whereIn('action', WRITES)
      .orderBy('id', 'desc')
      .select('id', 'at', 'action', 'record_id', 'request_id', 'changes')) as AuditRow[]
    const row = (await knex(entity.table).where('id', rid).first()) as Row | undefined
    states.set(rid, { writes, s: replay(rid, row ? maskRow(entity, row) : undefined, writes) })
  }
  for (const m of matches) {
    const { writes, s } = states.get(m.record_id!)!
    const { record, previous } = stateOf(m, writes, s)
    const r = await engine.dryRun(stored, {
      record: { ...record },
      ...(previous ? { previous } : {}),
      ...(t.on === 'transition' ? { action: m.action } : {}),
      params,
    })
    const undetermined = r.evaluations.some((e) =>
      e.conditions.some((c) => isMasked(c.factValue) || isMasked(c.value)),
    )
    const evaluations = r.evaluations.map((e) => ({
      ...e,
      conditions: e.conditions.map((c) =>
        isMasked(c.factValue) || isMasked(c.value)
          ? { ...c, result: false, error: 'masked in the audit trail: cannot be evaluated' }
          : c,
      ),
    }))
    result.events.push({
      auditId: Number(m.id),
      at: new Date(m.at).toISOString(),
      action: m.action,
      recordId: m.record_id,
      wouldFire: r.matched && !undetermined,
      ...(undetermined ? { undetermined: true as const } : {}),
      evaluations,
      actions: undetermined ? [] : r.actions,
      ...(r.error ? { error: r.error } : {}),
    })
  }
  return result
}
