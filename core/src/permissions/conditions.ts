import type { ConditionNode, FactName, Facts, FactValueRef, LeafCondition, OperatorName } from './types.js'

/**
 * A precompiled evaluator for json-rules-engine conditions (built-in operators only, same
 * semantics; `__tests__/conditions.test.ts` checks it against json-rules-engine itself). It is
 * synchronous and allocation-free on the hot path, and fails closed: a fact or path that
 * resolves to `undefined` throws {@link MissingFact}, which the permission engine turns into a deny.
 */

export class MissingFact extends Error {
  constructor(readonly fact: string) {
    super(`missing fact ${fact}`)
    this.name = 'MissingFact'
  }
}

/** `$`, `$.a`, `$.a.b`, `$.a.b.c`: the only JSONPath forms a rule may use. */
export const FACT_PATH = /^\$(\.[A-Za-z_][A-Za-z0-9_]{0,62}){0,3}$/

export const pathSegments = (path: string | undefined): string[] => (path && path !== '$' ? path.slice(2).split('.') : [])

/** Reads `segments` from a value; `undefined` when any step is missing. */
export function resolvePath(value: unknown, segments: readonly string[]): unknown {
  let v = value
  for (const s of segments) {
    if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, s)) return undefined
    v = (v as Record<string, unknown>)[s]
  }
  return v
}

export interface CompiledCondition {
  evaluate(facts: Facts): boolean
  /** Facts read anywhere in the tree (decides whether a decision can be cached). */
  facts: ReadonlySet<FactName>
  /** `user` paths read (the cache key of a cached decision is their values). */
  userPaths: ReadonlySet<string>
}

type Reader = (facts: Facts) => unknown

function reader(fact: FactName, path: string | undefined, used: Set<FactName>, userPaths: Set<string>): Reader {
  used.add(fact)
  if (fact === 'user') userPaths.add(path ?? '$')
  const segs = pathSegments(path)
  const label = `${fact}${path && path !== '$' ? path.slice(1) : ''}`
  return (facts) => {
    const v = resolvePath(facts[fact], segs)
    if (v === undefined) throw new MissingFact(label)
    return v
  }
}

const isNumberLike = (v: unknown) => Number.parseFloat(v as string).toString() !== 'NaN'

function indexOf(list: unknown, v: unknown): number {
  if (Array.isArray(list) || typeof list === 'string') return (list as unknown[]).indexOf(v)
  throw new TypeError('in/notIn/contains need a list')
}

const OPS: Record<OperatorName, (a: unknown, b: unknown) => boolean> = {
  equal: (a, b) => a === b,
  notEqual: (a, b) => a !== b,
  in: (a, b) => indexOf(b, a) > -1,
  notIn: (a, b) => indexOf(b, a) === -1,
  contains: (a, b) => Array.isArray(a) && a.indexOf(b) > -1,
  doesNotContain: (a, b) => Array.isArray(a) && a.indexOf(b) === -1,
  lessThan: (a, b) => isNumberLike(a) && (a as number) < (b as number),
  lessThanInclusive: (a, b) => isNumberLike(a) && (a as number) <= (b as number),
  greaterThan: (a, b) => isNumberLike(a) && (a as number) > (b as number),
  greaterThanInclusive: (a, b) => isNumberLike(a) && (a as number) >= (b as number),
}

export const isFactValueRef = (v: unknown): v is FactValueRef =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as { fact?: unknown }).fact === 'string'

function compileNode(node: ConditionNode, used: Set<FactName>, userPaths: Set<string>): (facts: Facts) => boolean {
  if ('all' in node) {
    const parts = node.all.map((n) => compileNode(n, used, userPaths))
    return (f) => parts.every((p) => p(f))
  }
  if ('any' in node) {
    const parts = node.any.map((n) => compileNode(n, used, userPaths))
    // json-rules-engine treats an empty `any` as true (validation refuses it anyway)
    return (f) => parts.length === 0 || parts.some((p) => p(f))
  }
  if ('not' in node) {
    const inner = compileNode(node.not, used, userPaths)
    return (f) => !inner(f)
  }
  const leaf = node as LeafCondition
  const left = reader(leaf.fact, leaf.path, used, userPaths)
  const op = OPS[leaf.operator]
  if (!op) throw new Error(`unknown operator ${String(leaf.operator)}`)
  if (isFactValueRef(leaf.value)) {
    const right = reader(leaf.value.fact, leaf.value.path, used, userPaths)
    return (f) => op(left(f), right(f))
  }
  const value = leaf.value
  return (f) => op(left(f), value)
}

/**
 * Compiles a (validated) condition tree once.
 * @example compileCondition({ all: [{ fact: 'user', path: '$.roles', operator: 'contains', value: 'admin' }] }).evaluate(facts)
 */
export function compileCondition(node: ConditionNode): CompiledCondition {
  const used = new Set<FactName>()
  const userPaths = new Set<string>()
  const evaluate = compileNode(node, used, userPaths)
  return { evaluate, facts: used, userPaths }
}
