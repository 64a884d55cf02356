import { EXACT_OPERATORS, type Operator, type OperatorTable } from './operators.js'

/**
 * The one condition format of every rule kind — json-rules-engine's `all`/`any`/`not` trees of
 * `{fact, path, operator, value}` leaves, built-in operators only — and its compiler: a
 * synchronous, allocation-free evaluator (permission checks on the request path; firing
 * explanations). A fact or path that resolves to `undefined` throws {@link MissingFact}: the
 * caller fails closed (a permission denies, an alert does not fire, a hold holds).
 */
export class MissingFact extends Error {
  constructor(readonly fact: string) {
    super(`missing fact ${fact}`)
    this.name = 'MissingFact'
  }
}

export type { Operator }

export interface FactRef {
  fact: string
  path?: string
}

export interface Leaf<F extends string = string> {
  fact: F
  path?: string
  operator: Operator
  value: unknown
}

/** json-rules-engine's `TopLevelCondition` (without named shared conditions). */
export type Condition<F extends string = string> =
  { all: Condition<F>[] } | { any: Condition<F>[] } | { not: Condition<F> } | Leaf<F>

export type Facts = Record<string, unknown>

export const FACT_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/
/** `$`, `$.a` … `$.a.b.c.d`: the only JSONPath forms a rule may use (every kind: depth ≤ 4). */
export const FACT_PATH = /^\$(\.[A-Za-z_][A-Za-z0-9_]{0,62}){0,4}$/

export const pathSegments = (path: string | undefined): string[] =>
  path && path !== '$' ? path.slice(2).split('.') : []

/** `record.status` for (`record`, `$.status`): how a missing fact is named. */
export const factLabel = (fact: string, path: string | undefined): string =>
  `${fact}${path && path !== '$' ? path.slice(1) : ''}`

/** Reads own properties only (no prototype walk: `constructor`, `__proto__` resolve to undefined). */
export function resolvePath(value: unknown, segments: readonly string[]): unknown {
  let v = value
  for (const s of segments) {
    if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, s)) return undefined
    v = (v as Record<string, unknown>)[s]
  }
  return v
}

export const isFactRef = (v: unknown): v is FactRef =>
  v !== null &&
  typeof v === 'object' &&
  !Array.isArray(v) &&
  typeof (v as { fact?: unknown }).fact === 'string'

/** Every leaf of a tree with its JSON pointer (`/conditions/all/0`), for validation. */
export function leavesOf<F extends string>(
  node: Condition<F>,
  path: string,
  out: Array<{ leaf: Leaf<F>; path: string }> = [],
): Array<{ leaf: Leaf<F>; path: string }> {
  if ('all' in node) node.all.forEach((n, i) => leavesOf(n, `${path}/all/${i}`, out))
  else if ('any' in node) node.any.forEach((n, i) => leavesOf(n, `${path}/any/${i}`, out))
  else if ('not' in node) leavesOf(node.not, `${path}/not`, out)
  else out.push({ leaf: node as Leaf<F>, path })
  return out
}

export interface CompiledCondition {
  /** Throws MissingFact when a fact it reads is absent (`facts`: fact name → value). */
  evaluate(facts: object): boolean
  /** Fact names read anywhere in the tree. */
  facts: ReadonlySet<string>
  /** `user` paths read (a permission decision's cache key is their values). */
  userPaths: ReadonlySet<string>
}

type Reader = (facts: Facts) => unknown

function reader(fact: string, path: string | undefined, used: Set<string>, userPaths: Set<string>): Reader {
  used.add(fact)
  if (fact === 'user') userPaths.add(path ?? '$')
  const segs = pathSegments(path)
  const label = factLabel(fact, path)
  return (facts) => {
    const v = resolvePath(facts[fact], segs)
    if (v === undefined) throw new MissingFact(label)
    return v
  }
}

function compileNode(
  node: Condition,
  ops: OperatorTable,
  used: Set<string>,
  userPaths: Set<string>,
): (f: Facts) => boolean {
  if ('all' in node) {
    const parts = node.all.map((n) => compileNode(n, ops, used, userPaths))
    return (f) => parts.every((p) => p(f))
  }
  if ('any' in node) {
    const parts = node.any.map((n) => compileNode(n, ops, used, userPaths))
    // json-rules-engine treats an empty `any` as true (validation refuses it anyway)
    return (f) => parts.length === 0 || parts.some((p) => p(f))
  }
  if ('not' in node) {
    const inner = compileNode(node.not, ops, used, userPaths)
    return (f) => !inner(f)
  }
  const leaf = node as Leaf
  const left = reader(leaf.fact, leaf.path, used, userPaths)
  const op = ops[leaf.operator]
  if (!op) throw new Error(`unknown operator ${String(leaf.operator)}`)
  if (isFactRef(leaf.value)) {
    const right = reader(leaf.value.fact, leaf.value.path, used, userPaths)
    return (f) => op(left(f), right(f))
  }
  const value = leaf.value
  return (f) => op(left(f), value)
}

/**
 * Compiles a (validated) condition tree once; `ops` picks the operator reading (json-rules-engine's
 * exact one by default).
 * @example compileCondition({ all: [{ fact: 'user', path: '$.roles', operator: 'contains', value: 'admin' }] }).evaluate(facts)
 */
export function compileCondition(node: Condition, ops: OperatorTable = EXACT_OPERATORS): CompiledCondition {
  const used = new Set<string>()
  const userPaths = new Set<string>()
  return { evaluate: compileNode(node, ops, used, userPaths), facts: used, userPaths }
}

/** One leaf as evaluated, for the firing log and the dry run. */
export interface LeafResult {
  path: string
  fact: string
  factPath?: string
  operator: Operator
  value: unknown
  factValue: unknown
  result: boolean
  error?: string
}

/**
 * Evaluates every leaf (no short-circuit) and reports each: what a firing records as "matched".
 * @example explain(rule.conditions, facts, DECIMAL_OPERATORS) // [{ path: '/all/0', fact: 'item', result: true, … }]
 */
export function explain(
  node: Condition,
  facts: Facts,
  ops: OperatorTable = EXACT_OPERATORS,
  path = '',
): LeafResult[] {
  if ('all' in node) return node.all.flatMap((n, i) => explain(n, facts, ops, `${path}/all/${i}`))
  if ('any' in node) return node.any.flatMap((n, i) => explain(n, facts, ops, `${path}/any/${i}`))
  if ('not' in node) return explain(node.not, facts, ops, `${path}/not`)
  const leaf = node as Leaf
  const out: LeafResult = {
    path: path || '/',
    fact: leaf.fact,
    ...(leaf.path ? { factPath: leaf.path } : {}),
    operator: leaf.operator,
    value: leaf.value,
    factValue: undefined,
    result: false,
  }
  try {
    out.factValue = resolvePath(facts[leaf.fact], pathSegments(leaf.path))
    if (isFactRef(leaf.value))
      out.value = {
        ...leaf.value,
        resolved: resolvePath(facts[leaf.value.fact], pathSegments(leaf.value.path)),
      }
    out.result = compileCondition(leaf, ops).evaluate(facts)
  } catch (err) {
    out.error = (err as Error).message
  }
  return [out]
}
