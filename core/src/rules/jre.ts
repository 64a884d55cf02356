import { Almanac, Engine, Fact } from 'json-rules-engine'
import type { TopLevelCondition } from 'json-rules-engine'
import {
  factLabel,
  isFactRef,
  leavesOf,
  MissingFact,
  pathSegments,
  resolvePath,
  type Condition,
  type Facts,
} from './conditions.js'
import type { OperatorTable } from './operators.js'

/** Computes a fact the rules of an evaluation read (an aggregate query…); memoised by the caller. */
export type FactLoader = (name: string) => Promise<unknown>

const segmentsOf = new Map<string, string[]>()
const segments = (path: string): string[] => {
  let s = segmentsOf.get(path)
  if (!s) segmentsOf.set(path, (s = pathSegments(path)))
  return s
}

/**
 * json-rules-engine's almanac with the one rule format's fact semantics: paths read own properties
 * only (no JSONPath, no prototype walk), and a fact or path that resolves to `undefined` rejects
 * with {@link MissingFact} (the rule fails closed). Facts not given at run time come from `load`.
 */
export class RuleAlmanac extends Almanac {
  constructor(readonly load: FactLoader) {
    super()
  }

  override factValue<T>(factId: string, params?: Record<string, unknown>, path?: string): Promise<T> {
    return super.factValue<unknown>(factId, params).then(
      (value) => {
        const v = path && path !== '$' ? resolvePath(value, segments(path)) : value
        if (v === undefined) throw new MissingFact(factLabel(factId, path))
        return v as T
      },
      (err: unknown) => {
        throw (err as { code?: string }).code === 'UNDEFINED_FACT' ? new MissingFact(factId) : err
      },
    )
  }
}

export interface RuleSpec {
  /** Unique within the engine (the stored rule's name). */
  name: string
  conditions: Condition
}

export interface RunOutcome {
  /** Names of the rules whose conditions hold. */
  matched: Set<string>
  /** Rules that could not be evaluated (a missing fact, a fact that threw…): they do not match. */
  errors: Map<string, string>
}

/**
 * A set of rules run on json-rules-engine itself. Facts are lazily computed and cached per run by
 * the almanac; facts in `cheap` (given at run time: the record, the event …) are evaluated before
 * the others (json-rules-engine's fact priority), so an `all` whose record test fails never computes
 * its aggregate. Operators are the one rule format's (registered under the built-in names).
 *
 * Fail closed, per rule: a run where some rule throws is replayed rule by rule (the facts stay
 * cached in `load`'s memo), and each rule that throws is reported in `errors` and does not match.
 * @example await new RuleEngine(rules, { operators: DECIMAL_OPERATORS, cheap }).run({ record }, load)
 */
export class RuleEngine {
  private readonly engine: Engine
  /** Facts the rules read: only these of the given facts are handed to json-rules-engine. */
  private readonly reads: readonly string[]
  private singles?: Map<string, RuleEngine>

  constructor(
    private readonly rules: readonly RuleSpec[],
    private readonly opts: { operators: OperatorTable; cheap: ReadonlySet<string> },
  ) {
    const reads = new Set<string>()
    for (const r of rules) {
      for (const { leaf } of leavesOf(r.conditions, '')) {
        reads.add(leaf.fact)
        if (isFactRef(leaf.value)) reads.add(leaf.value.fact)
      }
    }
    this.reads = [...reads]
    this.engine = newEngine(rules, this.reads, opts)
  }

  async run(facts: Facts, load: FactLoader): Promise<RunOutcome> {
    const outcome: RunOutcome = { matched: new Set(), errors: new Map() }
    try {
      const given: Facts = {}
      for (const name of this.reads) if (facts[name] !== undefined) given[name] = facts[name]
      const { results, failureResults } = await this.engine.run(given, { almanac: new RuleAlmanac(load) })
      if (this.rules.length === 1) {
        if (results.length > 0) outcome.matched.add(this.rules[0]!.name)
        return outcome
      }
      // one engine rule whose branches are the rules: json-rules-engine records each branch's result
      const branches = (
        (results[0] ?? failureResults[0])?.conditions as unknown as { any: Array<{ result?: boolean }> }
      ).any
      this.rules.forEach((r, i) => branches[i]?.result === true && outcome.matched.add(r.name))
      return outcome
    } catch (err) {
      if (this.rules.length === 1) {
        outcome.errors.set(this.rules[0]!.name, (err as Error).message)
        return outcome
      }
    }
    const singles = (this.singles ??= new Map(
      this.rules.map((r) => [r.name, new RuleEngine([r], this.opts)]),
    ))
    await Promise.all(
      [...singles.entries()].map(async ([name, single]) => {
        const one = await single.run(facts, load)
        if (one.matched.has(name)) outcome.matched.add(name)
        const error = one.errors.get(name)
        if (error !== undefined) outcome.errors.set(name, error)
      }),
    )
    return outcome
  }
}

function newEngine(
  rules: readonly RuleSpec[],
  reads: readonly string[],
  opts: { operators: OperatorTable; cheap: ReadonlySet<string> },
): Engine {
  const engine = new Engine([], { allowUndefinedFacts: false })
  // json-rules-engine keeps one `status` per engine and skips the rules of a run once another run
  // of the same engine finished: runs here are concurrent (one per event), so each run is its own
  engine.run = Engine.prototype.run.bind(
    new Proxy(engine, {
      set: (target, key, value) => (key === 'status' ? true : Reflect.set(target, key, value)),
      get: (target, key) => (key === 'status' ? 'RUNNING' : Reflect.get(target, key)),
    }),
  )
  for (const [name, op] of Object.entries(opts.operators)) engine.addOperator(name, op)
  // several rules: one engine rule `{ any: [rule₁, rule₂ …] }` — every branch is evaluated (one
  // priority set) and its result recorded; one rule result instead of one per rule
  const conditions = rules.length === 1 ? rules[0]!.conditions : { any: rules.map((r) => r.conditions) }
  engine.addRule({
    name: rules.length === 1 ? rules[0]!.name : '*',
    conditions: conditions as TopLevelCondition,
    event: { type: 'match' },
  })
  for (const name of reads)
    engine.addFact(
      new Fact(name, (_p, almanac) => (almanac as RuleAlmanac).load(name), {
        priority: opts.cheap.has(name) ? 2 : 1,
      }),
    )
  return engine
}
