/**
 * The permission rule editor's form model and its conversion to and from the rule format
 * (docs/permissions.md): who (roles, user facts), what (entities, actions), which rows (a list of
 * field conditions joined by all / any, each a value or a user fact), which fields hidden or
 * read-only. A rule the form cannot show keeps its conditions / row as they are (`advanced`).
 */

export type RowOp = '$eq' | '$ne' | '$lt' | '$lte' | '$gt' | '$gte' | '$in' | '$nin' | '$like'
export const ROW_OPS: RowOp[] = ['$eq', '$ne', '$lt', '$lte', '$gt', '$gte', '$in', '$nin', '$like']

/** User facts a condition or a row may use (`user.attributes.<name>` for site-specific ones). */
export const USER_FACTS = ['user.id', 'user.partnerId', 'user.email', 'user.attributes.warehouseId'] as const

export interface RowLeaf {
  field: string
  op: RowOp
  /** `value`: typed by the user; `fact`: one of the user's facts. */
  kind: 'value' | 'fact'
  value: string
  fact: string
}

export interface FactLeaf {
  /** `$.partnerId`, `$.attributes.warehouseId` … */
  path: string
  operator: 'equal' | 'notEqual' | 'greaterThan' | 'lessThan'
  value: string
}

export interface RuleForm {
  name: string
  description: string
  effect: 'allow' | 'deny'
  priority: number
  roles: string[]
  facts: FactLeaf[]
  entities: string[]
  actions: string[]
  rowJoin: 'all' | 'any'
  rows: RowLeaf[]
  hidden: string[]
  readOnly: string[]
  /** Conditions / row the form cannot show, kept as they are. */
  advanced?: { conditions?: unknown; row?: unknown }
}

export interface PermissionRuleJson {
  name: string
  description?: string
  effect: 'allow' | 'deny'
  entities: string[]
  actions: string[]
  conditions: Record<string, unknown>
  row?: Record<string, unknown>
  fields?: { hidden?: string[]; readOnly?: string[] }
  priority?: number
}

/** Field types the row values are typed by (from api/meta). */
export type FieldKind = 'integer' | 'number' | 'boolean' | 'string'

export const emptyForm = (): RuleForm => ({
  name: '',
  description: '',
  effect: 'allow',
  priority: 0,
  roles: [],
  facts: [],
  entities: [],
  actions: [],
  rowJoin: 'all',
  rows: [],
  hidden: [],
  readOnly: [],
})

const EVERYONE = { fact: 'user', path: '$.id', operator: 'greaterThan', value: 0 }

function typed(raw: string, kind: FieldKind | undefined): unknown {
  const s = raw.trim()
  if ((kind === 'integer' || kind === 'number') && s !== '' && !Number.isNaN(Number(s))) return Number(s)
  if (kind === 'boolean' && (s === 'true' || s === 'false')) return s === 'true'
  if (s === 'null') return null
  return raw
}

function factValue(raw: string): unknown {
  const s = raw.trim()
  return s !== '' && !Number.isNaN(Number(s)) ? Number(s) : s
}

function leafToRow(l: RowLeaf, kindOf: (field: string) => FieldKind | undefined): Record<string, unknown> {
  const v =
    l.kind === 'fact'
      ? { $fact: l.fact }
      : l.op === '$in' || l.op === '$nin'
        ? l.value.split(',').map((x) => typed(x, kindOf(l.field)))
        : typed(l.value, kindOf(l.field))
  return { [l.field]: l.op === '$eq' ? v : { [l.op]: v } }
}

/**
 * The query rows of condition leaves describe (all / any), as a rule's `row` or a report's filters;
 * undefined without a leaf.
 * @example rowQuery([{ field: 'status', op: '$eq', kind: 'value', value: 'open', fact: '' }], 'all') // { status: 'open' }
 */
export function rowQuery(
  leaves: RowLeaf[],
  join: 'all' | 'any',
  kindOf: (field: string) => FieldKind | undefined = () => undefined,
): Record<string, unknown> | undefined {
  const parts = leaves.filter((l) => l.field).map((l) => leafToRow(l, kindOf))
  const distinct = new Set(leaves.filter((l) => l.field).map((l) => l.field)).size === parts.length
  if (parts.length === 0) return undefined
  if (parts.length === 1) return parts[0]
  if (join === 'any') return { $or: parts }
  return distinct ? Object.assign({}, ...parts) : { $and: parts }
}

/** The rule the form describes. `kindOf` types a row value by its field. */
export function toRule(
  f: RuleForm,
  kindOf: (field: string) => FieldKind | undefined = () => undefined,
): PermissionRuleJson {
  const who: unknown[] = []
  if (f.roles.length === 1)
    who.push({ fact: 'user', path: '$.roles', operator: 'contains', value: f.roles[0] })
  else if (f.roles.length > 1)
    who.push({ any: f.roles.map((r) => ({ fact: 'user', path: '$.roles', operator: 'contains', value: r })) })
  for (const c of f.facts)
    who.push({ fact: 'user', path: c.path, operator: c.operator, value: factValue(c.value) })
  const conditions = (f.advanced?.conditions as Record<string, unknown> | undefined) ?? {
    all: who.length ? who : [EVERYONE],
  }
  const rule: PermissionRuleJson = {
    name: f.name,
    effect: f.effect,
    entities: [...f.entities],
    actions: [...f.actions],
    conditions,
  }
  if (f.description) rule.description = f.description
  if (f.priority) rule.priority = f.priority
  if (f.effect === 'allow') {
    if (f.advanced?.row !== undefined) rule.row = f.advanced.row as Record<string, unknown>
    else if (f.rows.length) rule.row = rowQuery(f.rows, f.rowJoin, kindOf)
    if (f.hidden.length || f.readOnly.length)
      rule.fields = {
        ...(f.hidden.length ? { hidden: [...f.hidden] } : {}),
        ...(f.readOnly.length ? { readOnly: [...f.readOnly] } : {}),
      }
  }
  return rule
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v)
const isLeaf = (v: unknown): v is { fact: string; path?: string; operator: string; value: unknown } =>
  isObj(v) && typeof v.fact === 'string'
const roleOf = (v: unknown): string | undefined =>
  isLeaf(v) &&
  v.fact === 'user' &&
  v.path === '$.roles' &&
  v.operator === 'contains' &&
  typeof v.value === 'string'
    ? v.value
    : undefined

function readWho(conditions: unknown): { roles: string[]; facts: FactLeaf[] } | undefined {
  if (!isObj(conditions) || !Array.isArray(conditions.all ?? conditions.any)) return undefined
  const list = (conditions.all ?? conditions.any) as unknown[]
  if (conditions.any) {
    const roles = list.map(roleOf)
    return roles.every(Boolean) ? { roles: roles as string[], facts: [] } : undefined
  }
  const out = { roles: [] as string[], facts: [] as FactLeaf[] }
  for (const c of list) {
    const role = roleOf(c)
    if (role) out.roles.push(role)
    else if (isObj(c) && Array.isArray(c.any) && c.any.every(roleOf))
      out.roles.push(...(c.any.map(roleOf) as string[]))
    else if (isLeaf(c) && c.fact === 'user' && JSON.stringify(c) === JSON.stringify(EVERYONE)) continue
    else if (
      isLeaf(c) &&
      c.fact === 'user' &&
      typeof c.path === 'string' &&
      ['equal', 'notEqual', 'greaterThan', 'lessThan'].includes(c.operator) &&
      !isObj(c.value) &&
      !Array.isArray(c.value)
    ) {
      out.facts.push({ path: c.path, operator: c.operator as FactLeaf['operator'], value: String(c.value) })
    } else return undefined
  }
  return out
}

function readLeaves(row: Record<string, unknown>): RowLeaf[] | undefined {
  const out: RowLeaf[] = []
  for (const [field, cond] of Object.entries(row)) {
    if (field.startsWith('$')) return undefined
    const [op, v] =
      isObj(cond) && !('$fact' in cond)
        ? Object.entries(cond).length === 1
          ? Object.entries(cond)[0]!
          : ['?', null]
        : ['$eq', cond]
    if (!ROW_OPS.includes(op as RowOp)) return undefined
    if (isObj(v) && typeof v.$fact === 'string')
      out.push({ field, op: op as RowOp, kind: 'fact', value: '', fact: v.$fact })
    else if (isObj(v)) return undefined
    else
      out.push({
        field,
        op: op as RowOp,
        kind: 'value',
        value: Array.isArray(v) ? v.map(String).join(',') : v === null ? 'null' : String(v),
        fact: '',
      })
  }
  return out
}

export function readRow(row: unknown): { join: 'all' | 'any'; rows: RowLeaf[] } | undefined {
  if (row === undefined) return { join: 'all', rows: [] }
  if (!isObj(row)) return undefined
  const group = (row.$or ?? row.$and) as unknown
  if (Object.keys(row).length === 1 && Array.isArray(group)) {
    const rows: RowLeaf[] = []
    for (const part of group) {
      const leaves = isObj(part) ? readLeaves(part) : undefined
      if (!leaves || leaves.length !== 1) return undefined
      rows.push(leaves[0]!)
    }
    return { join: row.$or ? 'any' : 'all', rows }
  }
  const rows = readLeaves(row)
  return rows ? { join: 'all', rows } : undefined
}

/** The form showing a stored rule (conditions / row it cannot show are kept under `advanced`). */
export function fromRule(r: PermissionRuleJson): RuleForm {
  const who = readWho(r.conditions)
  const row = readRow(r.row)
  const advanced = { ...(who ? {} : { conditions: r.conditions }), ...(row ? {} : { row: r.row }) }
  return {
    name: r.name,
    description: r.description ?? '',
    effect: r.effect,
    priority: r.priority ?? 0,
    roles: who?.roles ?? [],
    facts: who?.facts ?? [],
    entities: [...r.entities],
    actions: [...r.actions],
    rowJoin: row?.join ?? 'all',
    rows: row?.rows ?? [],
    hidden: [...(r.fields?.hidden ?? [])],
    readOnly: [...(r.fields?.readOnly ?? [])],
    ...(Object.keys(advanced).length ? { advanced } : {}),
  }
}

/** Where a validation error belongs on the form: `/row/warehouseId` → `row`, `/actions/1` → `actions` … */
export function errorTarget(path: string): string {
  const seg = path
    .replace(/^\/definition/, '')
    .split('/')
    .filter(Boolean)
  if (seg[0] === 'fields') return seg[1] === 'readOnly' ? 'readOnly' : 'hidden'
  if (seg[0] === 'conditions') return 'who'
  return seg[0] ?? 'rule'
}

/** Lines of a JSON text that differ between two definitions (for the history's diff). */
export function diffLines(before: unknown, after: unknown): Array<{ sign: ' ' | '-' | '+'; text: string }> {
  const a = JSON.stringify(before, null, 2).split('\n')
  const b = JSON.stringify(after, null, 2).split('\n')
  // longest common subsequence, fine for rule-sized texts
  const n = a.length
  const m = b.length
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0))
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!)
  const out: Array<{ sign: ' ' | '-' | '+'; text: string }> = []
  let i = 0
  let j = 0
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push({ sign: ' ', text: a[i++]! })
      j++
    } else if (j < m && (i >= n || lcs[i]![j + 1]! > lcs[i + 1]![j]!)) out.push({ sign: '+', text: b[j++]! })
    else out.push({ sign: '-', text: a[i++]! })
  }
  return out
}
