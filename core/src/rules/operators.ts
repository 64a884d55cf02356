/**
 * The operators a rule may use: json-rules-engine's built-ins, nothing else (a rule never runs
 * code). Two readings of them:
 * - {@link EXACT_OPERATORS}: json-rules-engine's own semantics (permission rules;
 *   `permissions/__tests__/conditions.test.ts` checks them against the library);
 * - {@link DECIMAL_OPERATORS}: numeric operators compare numeric strings as numbers (money is
 *   stored as `"1234.50"`), for alert, hold and automation rules; registered on json-rules-engine
 *   under the same names (see `jre.ts`).
 */
export const OPERATOR_NAMES = [
  'equal',
  'notEqual',
  'in',
  'notIn',
  'contains',
  'doesNotContain',
  'lessThan',
  'lessThanInclusive',
  'greaterThan',
  'greaterThanInclusive',
] as const
export type Operator = (typeof OPERATOR_NAMES)[number]
export type OperatorTable = Readonly<Record<Operator, (a: unknown, b: unknown) => boolean>>

const isNumberLike = (v: unknown) => Number.parseFloat(v as string).toString() !== 'NaN'

function indexOf(list: unknown, v: unknown): number {
  if (Array.isArray(list) || typeof list === 'string') return (list as unknown[]).indexOf(v)
  throw new TypeError('in/notIn need a list')
}

export const EXACT_OPERATORS: OperatorTable = {
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

const numeric = (v: unknown): number | undefined => {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v)
  return undefined
}

const cmp = (test: (a: number, b: number) => boolean) => (a: unknown, b: unknown) => {
  const x = numeric(a)
  const y = numeric(b)
  return x !== undefined && y !== undefined && test(x, y)
}

const same = (a: unknown, b: unknown) =>
  a === b || (numeric(a) !== undefined && typeof b === 'number' && numeric(a) === b)

export const DECIMAL_OPERATORS: OperatorTable = {
  equal: same,
  notEqual: (a, b) => !same(a, b),
  in: EXACT_OPERATORS.in,
  notIn: EXACT_OPERATORS.notIn,
  contains: EXACT_OPERATORS.contains,
  doesNotContain: EXACT_OPERATORS.doesNotContain,
  lessThan: cmp((a, b) => a < b),
  lessThanInclusive: cmp((a, b) => a <= b),
  greaterThan: cmp((a, b) => a > b),
  greaterThanInclusive: cmp((a, b) => a >= b),
}
