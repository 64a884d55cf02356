import type { Condition, Leaf, Operator } from './types.js'

/**
 * Compiled json-rules-engine conditions (built-in operators only, so a rule never runs code).
 * Differences from the library, on purpose: numeric operators compare numeric strings as numbers
 * (money is stored as `"1234.50"`), and a fact or path that resolves to `undefined` throws
 * {@link MissingFact} — an alert then does not fire and a hold rule holds (fail closed).
 */
export class MissingFact extends Error {
  constructor(readonly fact: string) {
    super(`missing fact ${fact}`)
    this.name = 'MissingFact'
  }
}

export type Facts = Record<string, unknown>

export const FACT_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/
/** `$`, `$.a` … `$.a.b.c.d`. */
export const FACT_PATH = /^\$(\.[A-Za-z_][A-Za-z0-9_]{0,62}){0,4}$/

const segments = (path: string | undefined): string[] => (path && path !== '$' ? path.slice(2).split('.') : [])

/** Reads own properties only (no prototype walk: `constructor`, `__proto__` resolve to undefined). */
export function resolvePath(value: unknown, segs: readonly string[]): unknown {
  let v = value
  for (const s of segs) {
    if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, s)) return undefined
    v = (v as Record<string, unknown>)[s]
  }
  return v
}

const numeric = (v: unknown): number | undefined => {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v)
  return undefined
}

const list = (v: unknown): unknown[] | string => {
  if (Array.isArray(v) || typeof v === 'string') return v
  throw new TypeError('in/notIn need a list')
}

const cmp = (test: (a: number, b: number) => boolean) => (a: unknown, b: unknown) => {
  const x = numeric(a)
  const y = numeric(b)
  return x !== undefined && y !== undefined && test(x, y)
}

export const OPERATORS: Record<Operator, (a: unknown, b: unknown) => boolean> = {
  equal: (a, b) => a === b || (numeric(a) !== undefined && typeof b === 'number' && numeric(a) === b),
  notEqual: (a, b) => !(a === b || (numeric(a) !== undefined && typeof b === 'number' && numeric(a) === b)),
  in: (a, b) => list(b).indexOf(a as string) > -1,
  notIn: (a, b) => list(b).indexOf(a as string) === -1,
  contains: (a, b) => Array.isArray(a) && a.indexOf(b) > -1,
  doesNotContain: (a, b) => Array.isArray(a) && a.indexOf(b) === -1,
  lessThan: cmp((a, b) => a < b),
  lessThanInclusive: cmp((a, b) => a <= b),
  greaterThan: cmp((a, b) => a > b),
  greaterThanInclusive: cmp((a, b) => a >= b),
}

export const isFactRef = (v: unknown): v is { fact: string; path?: string } =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as { fact?: unknown }).fact === 'string'

type Reader = (facts: Facts) => unknown

function reader(fact: string, path: string | undefined, used: Set<string>): Reader {
  used.add(fact)
  const segs = segments(path)
  const label = `${fact}${path && path !== '$' ? path.slice(1) : ''}`
  return (facts) => {
    const v = resolvePath(facts[fact], segs)
    if (v === undefined) throw new MissingFact(label)
    return v
  }
}

function compileNode(node: Condition, used: Set<string>): (f: Facts) => boolean {
  if ('all' in node) {
    const parts = node.all.map((n) => compileNode(n, used))
    return (f) => parts.every((p) => p(f))
  }
  if ('any' in node) {
    const parts = node.any.map((n) => compileNode(n, used))
    return (f) => parts.length === 0 || parts.some((p) => p(f))
  }
  if ('not' in node) {
    const inner = compileNode(node.not, used)
    return (f) => !inner(f)
  }
  const leaf = node as Leaf
  const left = reader(leaf.fact, leaf.path, used)
  const op = OPERATORS[leaf.operator]
  if (!op) throw new Error(`unknown operator ${String(leaf.operator)}`)
  if (isFactRef(leaf.value)) {
    const right = reader(leaf.value.fact, leaf.value.path, used)
    return (f) => op(left(f), right(f))
  }
  const value = leaf.value
  return (f) => op(left(f), value)
}

export interface Compiled {
  /** Throws MissingFact when a fact it reads is absent. */
  evaluate(facts: Facts): boolean
  /** Fact names read. */
  facts: ReadonlySet<string>
}

/**
 * Compiles a validated condition tree once.
 * @example compile({ all: [{ fact: 'item', path: '$.available', operator: 'lessThan', value: { fact: 'item', path: '$.reorderPoint' } }] }).evaluate(facts)
 */
export function compile(node: Condition): Compiled {
  const used = new Set<string>()
  return { evaluate: compileNode(node, used), facts: used }
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
 * @example explain(rule.conditions, facts) // [{ path: '/all/0', fact: 'item', result: true, … }]
 */
export function explain(node: Condition, facts: Facts, path = ''): LeafResult[] {
  if ('all' in node) return node.all.flatMap((n, i) => explain(n, facts, `${path}/all/${i}`))
  if ('any' in node) return node.any.flatMap((n, i) => explain(n, facts, `${path}/any/${i}`))
  if ('not' in node) return explain(node.not, facts, `${path}/not`)
  const leaf = node as Leaf
  const out: LeafResult = { path: path || '/', fact: leaf.fact, ...(leaf.path ? { factPath: leaf.path } : {}), operator: leaf.operator, value: leaf.value, factValue: undefined, result: false }
  try {
    out.factValue = resolvePath(facts[leaf.fact], segments(leaf.path))
    if (isFactRef(leaf.value)) out.value = { ...leaf.value, resolved: resolvePath(facts[leaf.value.fact], segments(leaf.value.path)) }
    out.result = compileNode(leaf, new Set()).call(null, facts)
  } catch (err) {
    out.error = (err as Error).message
  }
  return [out]
}

const comparable = (v: unknown): string => JSON.stringify(v instanceof Date ? v.toISOString() : (v ?? null))

/**
 * The fields a change altered, each as `{from, to}` — the `changes` fact of patched, updated and
 * transition rules (a rule fires on a crossing, not on a level). Fields absent from the record
 * after the change are left out.
 * @example changesOf({ status: 'draft', total: '5.00' }, { status: 'submitted', total: '5.00' }) // { status: { from: 'draft', to: 'submitted' } }
 */
export function changesOf(previous: Record<string, unknown>, record: Record<string, unknown>): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {}
  for (const [k, to] of Object.entries(record)) {
    if (!Object.prototype.hasOwnProperty.call(previous, k) || k === 'updatedAt' || k === 'version') continue
    const from = previous[k]
    if (comparable(from) !== comparable(to)) out[k] = { from: from ?? null, to: to ?? null }
  }
  return out
}
