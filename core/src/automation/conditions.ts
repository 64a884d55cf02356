import {
  compileCondition,
  explain as explainWith,
  type CompiledCondition,
  type Condition,
  type Facts,
  type LeafResult,
} from '../rules/conditions.js'
import { DECIMAL_OPERATORS } from '../rules/operators.js'

/**
 * Alert, hold and automation conditions: the one condition format of `core/src/rules`, read with
 * the decimal operators (numeric operators compare numeric strings as numbers: money is stored as
 * `"1234.50"`). Rules run on json-rules-engine (`rules/jre.ts`); this compiled form explains a
 * firing leaf by leaf and serves the dry run. A fact or path that resolves to `undefined` throws
 * {@link MissingFact} — an alert then does not fire and a hold rule holds (fail closed).
 */
export {
  FACT_NAME,
  FACT_PATH,
  isFactRef,
  MissingFact,
  resolvePath,
  type Facts,
  type LeafResult,
} from '../rules/conditions.js'
export const OPERATORS = DECIMAL_OPERATORS

export type Compiled = CompiledCondition

/**
 * Compiles a validated condition tree once.
 * @example compile({ all: [{ fact: 'item', path: '$.available', operator: 'lessThan', value: { fact: 'item', path: '$.reorderPoint' } }] }).evaluate(facts)
 */
export const compile = (node: Condition): Compiled => compileCondition(node, DECIMAL_OPERATORS)

/**
 * Evaluates every leaf (no short-circuit) and reports each: what a firing records as "matched".
 * @example explain(rule.conditions, facts) // [{ path: '/all/0', fact: 'item', result: true, … }]
 */
export const explain = (node: Condition, facts: Facts): LeafResult[] =>
  explainWith(node, facts, DECIMAL_OPERATORS)

const comparable = (v: unknown): string => JSON.stringify(v instanceof Date ? v.toISOString() : (v ?? null))

/**
 * The fields a change altered, each as `{from, to}` — the `changes` fact of patched, updated and
 * transition rules (a rule fires on a crossing, not on a level). Fields absent from the record
 * after the change are left out.
 * @example changesOf({ status: 'draft', total: '5.00' }, { status: 'submitted', total: '5.00' }) // { status: { from: 'draft', to: 'submitted' } }
 */
export function changesOf(
  previous: Record<string, unknown>,
  record: Record<string, unknown>,
): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {}
  for (const [k, to] of Object.entries(record)) {
    if (!Object.prototype.hasOwnProperty.call(previous, k) || k === 'updatedAt' || k === 'version') continue
    const from = previous[k]
    if (comparable(from) !== comparable(to)) out[k] = { from: from ?? null, to: to ?? null }
  }
  return out
}
