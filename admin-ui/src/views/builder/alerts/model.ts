/** The alert rule form ⇄ the rule JSON of api/alert-rules (docs/automation.md). No code: conditions are the rule language only. */

export type EventOn = 'created' | 'patched' | 'updated' | 'removed' | 'transition'
export const EVENTS: EventOn[] = ['created', 'patched', 'updated', 'removed', 'transition']
/** Facts of an event rule a condition may read, plus the catalogue of registered facts (docs/automation.md). */
export const EVENT_FACTS = ['record', 'previous', 'changes', 'data', 'user'] as const
export const REGISTERED_FACTS = [
  'orderCredit',
  'customerExposure',
  'overdueInvoices',
  'orderStock',
  'lowStock',
  'partnerMonthlySales',
  'slaBreaches',
  'system',
] as const
export const OPERATORS = [
  'equal',
  'notEqual',
  'greaterThan',
  'greaterThanInclusive',
  'lessThan',
  'lessThanInclusive',
  'in',
  'notIn',
  'contains',
] as const
export type Operator = (typeof OPERATORS)[number]

export interface Leaf {
  fact: string
  /** a field (record/previous/data), `field.to` for changes, or a free path of a registered fact */
  field: string
  operator: Operator
  value: string
}
export type ActionType = 'notify' | 'email' | 'webhook' | 'hold'
export interface ActionForm {
  type: ActionType
  roles: string[]
  users: string
  title: string
  body: string
  url: string
  message: string
}
export interface AlertForm {
  name: string
  description: string
  kind: 'alert' | 'automation'
  triggerType: 'event' | 'schedule'
  entity: string
  on: EventOn
  action: string
  phase: 'after' | 'before'
  cron: string
  timezone: string
  join: 'all' | 'any'
  leaves: Leaf[]
  actions: ActionForm[]
  /** parts of a stored rule the form does not edit, kept as they are */
  kept: Record<string, unknown>
  /** conditions the form cannot show (nested, fact references): kept unless replaced */
  advanced?: unknown
}
export type Json = Record<string, unknown>

export const emptyAction = (type: ActionType = 'notify'): ActionForm => ({
  type,
  roles: [],
  users: '',
  title: '',
  body: '',
  url: '',
  message: '',
})
export const emptyForm = (): AlertForm => ({
  name: '',
  description: '',
  kind: 'alert',
  triggerType: 'event',
  entity: 'order',
  on: 'created',
  action: '',
  phase: 'after',
  cron: '0 8 * * *',
  timezone: 'UTC',
  join: 'all',
  leaves: [],
  actions: [emptyAction()],
  kept: {},
})

/** A typed value: numbers stay strings (money is exact), lists split on commas for in/notIn. */
const valueOf = (l: Leaf): unknown => {
  const v = l.value.trim()
  if (l.operator === 'in' || l.operator === 'notIn')
    return v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
  if (v === 'true' || v === 'false') return v === 'true'
  if (v === 'null') return null
  return v
}
const pathOf = (l: Leaf) => (l.field ? `$.${l.field}` : undefined)

/** The rule JSON a form stands for. */
export function toDefinition(f: AlertForm): Json {
  const trigger: Json =
    f.triggerType === 'schedule'
      ? {
          type: 'schedule',
          cron: f.cron.trim(),
          ...(f.timezone.trim() ? { timezone: f.timezone.trim() } : {}),
        }
      : {
          type: 'event',
          entity: f.entity,
          on: f.on,
          ...(f.on === 'transition' && f.action.trim() ? { action: f.action.trim() } : {}),
          ...(f.phase === 'before' ? { phase: 'before' } : {}),
        }
  const leaves = f.leaves.map((l) => ({
    fact: l.fact,
    ...(pathOf(l) ? { path: pathOf(l) } : {}),
    operator: l.operator,
    value: valueOf(l),
  }))
  const conditions = f.advanced && leaves.length === 0 ? f.advanced : { [f.join]: leaves }
  return {
    ...f.kept,
    name: f.name.trim(),
    ...(f.description.trim() ? { description: f.description.trim() } : {}),
    trigger,
    conditions,
    actions: f.actions.map(actionJson),
  }
}

function actionJson(a: ActionForm): Json {
  const users = a.users
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0)
  const who = { ...(a.roles.length ? { roles: a.roles } : {}), ...(users.length ? { users } : {}) }
  if (a.type === 'notify')
    return { type: 'notify', ...who, title: a.title, ...(a.body ? { body: a.body } : {}) }
  if (a.type === 'email') return { type: 'email', ...who, subject: a.title, body: a.body }
  if (a.type === 'webhook') return { type: 'webhook', url: a.url }
  return { type: 'hold', message: a.message }
}

const LEAF_KEYS = new Set(['fact', 'path', 'operator', 'value'])
/** A flat all/any list of literal leaves, or undefined when the form cannot show the conditions. */
function leavesOf(c: unknown): { join: 'all' | 'any'; leaves: Leaf[] } | undefined {
  if (!c || typeof c !== 'object') return undefined
  const join = 'all' in c ? 'all' : 'any' in c ? 'any' : undefined
  const list = join ? (c as Record<string, unknown>)[join] : undefined
  if (!join || !Array.isArray(list) || Object.keys(c).length !== 1) return undefined
  const leaves: Leaf[] = []
  for (const x of list as Json[]) {
    if (!x || typeof x !== 'object' || Object.keys(x).some((k) => !LEAF_KEYS.has(k))) return undefined
    const v = x.value
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return undefined
    if (!(OPERATORS as readonly string[]).includes(String(x.operator))) return undefined
    leaves.push({
      fact: String(x.fact),
      field: typeof x.path === 'string' ? x.path.replace(/^\$\.?/, '') : '',
      operator: x.operator as Operator,
      value: Array.isArray(v) ? v.join(', ') : v === null ? 'null' : String(v),
    })
  }
  return { join, leaves }
}

/** The form of a stored rule; what it cannot edit stays in `kept` / `advanced`. */
export function fromDefinition(d: Json): AlertForm {
  const f = emptyForm()
  const { name, description, trigger, conditions, actions, ...kept } = d
  f.name = String(name ?? '')
  f.description = String(description ?? '')
  f.kept = kept
  const t = (trigger ?? {}) as Json
  if (t.type === 'schedule') {
    f.triggerType = 'schedule'
    f.cron = String(t.cron ?? '')
    f.timezone = String(t.timezone ?? '')
  } else {
    f.entity = String(t.entity ?? '')
    f.on = (t.on as EventOn) ?? 'created'
    f.action = String(t.action ?? '')
    f.phase = t.phase === 'before' ? 'before' : 'after'
  }
  const flat = leavesOf(conditions)
  if (flat) Object.assign(f, flat)
  else f.advanced = conditions
  f.actions = ((actions as Json[] | undefined) ?? []).map((a) => ({
    ...emptyAction(a.type as ActionType),
    roles: (a.roles as string[] | undefined) ?? [],
    users: ((a.users as number[] | undefined) ?? []).join(', '),
    title: String(a.title ?? a.subject ?? ''),
    body: String(a.body ?? ''),
    url: String(a.url ?? ''),
    message: String(a.message ?? ''),
  }))
  return f
}

/** `/conditions/all/1/value` → `leaf-1`, `/actions/0/title` → `action-0`, else the top key (`name`, `trigger`). */
export function errorTarget(path: string): string {
  const m =
    /^\/conditions\/(?:all|any)\/(\d+)/.exec(path) ??
    /^\/definition\/conditions\/(?:all|any)\/(\d+)/.exec(path)
  if (m) return `leaf-${m[1]}`
  const a = /^(?:\/definition)?\/actions\/(\d+)/.exec(path)
  if (a) return `action-${a[1]}`
  return path.replace(/^\/definition/, '').split('/')[1] ?? ''
}
