import { RuleEngine } from '../rules/jre.js'
import { DECIMAL_OPERATORS } from '../rules/operators.js'
import { aggregateFacts, type CompiledRule } from './compile.js'
import { MissingFact, type Facts } from './conditions.js'
import { EVENT_FACTS, type AutomationRegistry } from './registry.js'
import type { FactContext } from './types.js'

/** Facts given with the event (evaluated before registered, aggregate facts). */
const RUNTIME_FACTS: ReadonlySet<string> = new Set([...EVENT_FACTS, 'item'])

/**
 * True when the rule reads only the event's facts and its compiled conditions are false on them
 * (an error — a missing fact — is not "false": json-rules-engine then decides and records it).
 */
function certainlyFalse(cr: CompiledRule, base: Facts): boolean {
  for (const fact of cr.condition.facts) if (!RUNTIME_FACTS.has(fact)) return false
  try {
    return !cr.condition.evaluate(base)
  } catch {
    return false
  }
}

/** One rule's outcome on one set of facts. */
export interface Match {
  item?: unknown
  facts: Facts
}

export interface Evaluation {
  cr: CompiledRule
  matches: Match[]
  error?: string
}

/**
 * Runs alert, hold and automation rules on json-rules-engine: one engine per trigger's rule set
 * (built once, dropped with the rule set), facts computed lazily and once per evaluation.
 * @example const [ev] = await evaluator.evaluate(automation.rulesFor('after', 'order', 'created'), facts, ctx)
 */
export class RuleEvaluator {
  private groups = new WeakMap<CompiledRule[], RuleEngine | undefined>()
  private singles = new WeakMap<CompiledRule, RuleEngine>()

  constructor(private readonly registry: AutomationRegistry) {}

  /** The json-rules-engine of one rule, built once per rule set. */
  private engineOf(cr: CompiledRule): RuleEngine {
    let jre = this.singles.get(cr)
    if (!jre) this.singles.set(cr, (jre = this.newEngine([cr])))
    return jre
  }

  /** The json-rules-engine of the rules of one trigger (those without forEach), built once per rule set. */
  private engineFor(rules: CompiledRule[]): RuleEngine | undefined {
    if (rules.length === 1) return rules[0]!.rule.forEach ? undefined : this.engineOf(rules[0]!)
    if (this.groups.has(rules)) return this.groups.get(rules)
    const plain = rules.filter((r) => !r.rule.forEach)
    const jre =
      plain.length === 0 ? undefined : plain.length === 1 ? this.engineOf(plain[0]!) : this.newEngine(plain)
    this.groups.set(rules, jre)
    return jre
  }

  private newEngine(rules: CompiledRule[]): RuleEngine {
    return new RuleEngine(
      rules.map((r) => ({ name: r.stored.name, conditions: r.rule.conditions })),
      { operators: DECIMAL_OPERATORS, cheap: RUNTIME_FACTS },
    )
  }

  /**
   * Runs the rules on json-rules-engine: the facts of the event are given, registered (aggregate)
   * facts are computed lazily — only when a condition of a listening rule reads them — and each at
   * most once per evaluation however many rules read it. A rule that cannot be evaluated (missing
   * fact, a fact that threw) does not match and carries its error (fail closed). `withExplain`
   * (dry run) loads every fact the rule reads and lists each item without deciding.
   */
  async evaluate(
    rules: CompiledRule[],
    base: Facts,
    ctx: FactContext,
    withExplain = false,
    maxItems = Infinity,
  ): Promise<Evaluation[]> {
    const loaded = new Map<string, Promise<unknown>>()
    const load = (name: string): Promise<unknown> => {
      let p = loaded.get(name)
      if (!p) {
        const def = this.registry.facts.get(name)
        p = def ? def.load(ctx) : Promise.reject(new MissingFact(name))
        p.catch(() => undefined) // awaited by each reader; never an unhandled rejection
        loaded.set(name, p)
      }
      return p
    }
    // json-rules-engine decides every firing; a rule whose conditions read only the event's own
    // facts is first tried on its compiled form, and when every such rule is certainly false
    // (no error) and no other rule listens, the engine has nothing to decide and is not run
    const settled = !withExplain && rules.every((cr) => cr.rule.forEach || certainlyFalse(cr, base))
    const jre = withExplain || settled ? undefined : this.engineFor(rules)
    const outcome = jre ? await jre.run(base, load) : undefined
    const out: Evaluation[] = []
    for (const cr of rules) {
      const error = outcome?.errors.get(cr.stored.name)
      if (error !== undefined) {
        out.push({ cr, matches: [], error })
        continue
      }
      if ((settled || outcome) && !cr.rule.forEach && !outcome?.matched.has(cr.stored.name)) {
        out.push({ cr, matches: [] })
        continue
      }
      const facts: Facts = { ...base }
      try {
        // what templates (and the firing log) read, loaded only for a rule that matched
        for (const name of aggregateFacts(cr)) facts[name] = await load(name)
        const matches: Match[] = []
        if (cr.rule.forEach) {
          const list = facts[cr.rule.forEach]
          if (!Array.isArray(list)) throw new Error(`fact "${cr.rule.forEach}" is not a list`)
          for (const item of list.slice(0, maxItems)) {
            const f = { ...facts, item }
            if (withExplain) matches.push({ item, facts: f })
            else if (await this.holds(cr, f, load)) matches.push({ item, facts: f })
          }
        } else matches.push({ facts })
        out.push({ cr, matches })
      } catch (err) {
        out.push({ cr, matches: [], error: (err as Error).message })
      }
    }
    return out
  }

  /** One rule on one set of facts, on json-rules-engine; throws the rule's error. */
  async holds(
    cr: CompiledRule,
    facts: Facts,
    load: (name: string) => Promise<unknown> = (name) => Promise.reject(new MissingFact(name)),
  ): Promise<boolean> {
    const one = await this.engineOf(cr).run(facts, load)
    const error = one.errors.get(cr.stored.name)
    if (error !== undefined) throw new Error(error)
    return one.matched.has(cr.stored.name)
  }
}
